package org.amdet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.amdet.report.ReportHtml;
import org.amdet.report.ReportPictures;
import org.amdet.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link ScanReport} and the files a user takes further: {@code report.json}, a self-contained
 * {@code report.html}, the pictures ({@code loss-trajectory.png}, and with a landscape {@code landscape.png} and
 * {@code hessian-spectrum.png}), {@code embedding.safetensors}
 * (the inverted embedding and the target feature) and {@code learned_embeds.safetensors} (Textual Inversion format:
 * one tensor named by the placeholder token, loadable with diffusers' {@code load_textual_inversion}). Every file is
 * written to a temporary name and renamed into place, so a reader never sees half a file.
 */
public final class ScanReports {
    /** Placeholder token of the Textual Inversion file. */
    public static final String PLACEHOLDER = "<amdet-trigger>";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ScanReports() {
    }

    /** The report as JSON. */
    public static String toJson(ScanReport r) {
        try {
            return JSON.writeValueAsString(r);
        } catch (IOException e) {
            throw new IllegalStateException("report cannot be serialised", e);
        }
    }

    /** Reads a report written by {@link #toJson}. */
    public static ScanReport fromJson(String json) throws IOException {
        return JSON.readValue(json, ScanReport.class);
    }

    /**
     * Writes the report and embedding files into {@code dir} (created if needed).
     *
     * @return the files written
     */
    public static List<Path> write(ScanReport r, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        ScanReport.Embedding e = r.embedding();
        Path emb = dir.resolve("embedding.safetensors");
        new SafetensorsWriter().metadata("schema", r.schema()).metadata("verdict", r.verdict().name())
                .putFloats("embedding", e.values(), e.tokens(), e.hidden())
                .putFloats("target_feature", e.targetFeature(), e.targetLength(), e.hidden())
                .write(emb);
        out.add(emb);
        Path ti = dir.resolve("learned_embeds.safetensors");
        new SafetensorsWriter().putFloats(PLACEHOLDER, e.values(), e.tokens(), e.hidden()).write(ti);
        out.add(ti);
        Map<String, byte[]> pictures = ReportPictures.render(r);
        for (Map.Entry<String, byte[]> p : pictures.entrySet()) {
            Path f = dir.resolve(p.getKey());
            writeAtomically(f, p.getValue());
            out.add(f);
        }
        Path html = dir.resolve("report.html");
        writeAtomically(html, ReportHtml.render(r, pictures).getBytes(StandardCharsets.UTF_8));
        out.add(html);
        Path json = dir.resolve("report.json");
        writeAtomically(json, toJson(r));
        out.add(json);
        return out;
    }

    /** Writes text to {@code target} through a temporary file and an atomic rename. */
    public static void writeAtomically(Path target, String text) throws IOException {
        writeAtomically(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes bytes to {@code target} through a temporary file and an atomic rename. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
