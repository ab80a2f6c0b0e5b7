package org.amdet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.amdet.io.OutputTarget;
import org.amdet.report.ReportHtml;
import org.amdet.report.ReportPictures;
import org.amdet.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link ScanReport} and the files a user takes further: {@code report.json}, a self-contained
 * {@code report.html}, the pictures ({@code loss-trajectory.png}, and with a landscape {@code landscape.png} and
 * {@code hessian-spectrum.png}), {@code embedding.safetensors}
 * (the inverted embedding and the target feature) and {@code learned_embeds.safetensors} (Textual Inversion format:
 * one tensor named by the placeholder token, loadable with diffusers' {@code load_textual_inversion}). The files are
 * built aside and moved into place together, so a reader never sees half a file or a report without its files.
 */
public final class ScanReports {
    /** Placeholder token of the Textual Inversion file. */
    public static final String PLACEHOLDER = "<amdet-trigger>";
    /** Every file a report folder may hold; an earlier report's file that a new one lacks is removed with it. */
    private static final List<String> FILES = List.of("embedding.safetensors", "learned_embeds.safetensors",
            "loss-trajectory.png", "landscape.png", "hessian-spectrum.png", "report.html", "report.json");
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
     * Writes the report and embedding files into {@code dir} (created if needed), all or nothing: the files are
     * built in a hidden folder, flushed to disk and moved into place together; on failure, or when the program is
     * stopped by a signal meanwhile, none of them is left (an existing file of the same name is kept). An earlier
     * report's files in {@code dir} are replaced together, including one the new report lacks (e.g.
     * {@code landscape.png}); other files in {@code dir} are left alone.
     *
     * @return the files written
     */
    public static List<Path> write(ScanReport r, Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        OutputTarget.folder("output folder", dir, List.of()).owning(FILES)
                .write(staged -> names.addAll(writeFiles(r, staged)));
        List<Path> out = new ArrayList<>();
        for (String n : names) {
            out.add(dir.resolve(n));
        }
        return out;
    }

    /** Writes the files into the (staging) folder {@code dir}; returns their names in writing order. */
    private static List<String> writeFiles(ScanReport r, Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        ScanReport.Embedding e = r.embedding();
        new SafetensorsWriter().metadata("schema", r.schema()).metadata("verdict", r.verdict().name())
                .putFloats("embedding", e.values(), e.tokens(), e.hidden())
                .putFloats("target_feature", e.targetFeature(), e.targetLength(), e.hidden())
                .writeTo(dir.resolve("embedding.safetensors"));
        out.add("embedding.safetensors");
        new SafetensorsWriter().putFloats(PLACEHOLDER, e.values(), e.tokens(), e.hidden())
                .writeTo(dir.resolve("learned_embeds.safetensors"));
        out.add("learned_embeds.safetensors");
        Map<String, byte[]> pictures = ReportPictures.render(r);
        for (Map.Entry<String, byte[]> p : pictures.entrySet()) {
            Files.write(dir.resolve(p.getKey()), p.getValue(), StandardOpenOption.CREATE_NEW);
            out.add(p.getKey());
        }
        Files.write(dir.resolve("report.html"), ReportHtml.render(r, pictures).getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE_NEW);
        out.add("report.html");
        Files.write(dir.resolve("report.json"), toJson(r).getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE_NEW);
        out.add("report.json");
        return out;
    }

    /** Writes text to {@code target} atomically (built aside, flushed, renamed into place). */
    public static void writeAtomically(Path target, String text) throws IOException {
        writeAtomically(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes bytes to {@code target} atomically: built aside, flushed to disk and renamed into place; an existing
     * regular file or link at the name is replaced (never written through), anything else (a folder, a device) is
     * refused.
     */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        OutputTarget.file("output", target, List.of()).write(staged -> Files.write(staged, bytes,
                StandardOpenOption.CREATE_NEW));
    }
}
