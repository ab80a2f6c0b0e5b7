package org.amdet.encoders;

import com.fasterxml.jackson.databind.JsonNode;
import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.UnsupportedModelException;
import org.amdet.safetensors.SafetensorsFile;
import org.amdet.safetensors.TensorEntry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of a Hugging Face model folder: {@code model.safetensors}, or the shards named by
 * {@code model.safetensors.index.json} (shard names must be plain file names inside the folder). Tensors stay
 * memory-mapped until the checkpoint is closed.
 */
final class Checkpoint implements AutoCloseable {
    private final List<SafetensorsFile> files;
    private final Map<String, RawTensor> tensors;

    private Checkpoint(List<SafetensorsFile> files, Map<String, RawTensor> tensors) {
        this.files = files;
        this.tensors = tensors;
    }

    /** Whether {@code folder} holds a safetensors checkpoint. */
    public static boolean present(Path folder) {
        return Files.isRegularFile(folder.resolve("model.safetensors"))
                || Files.isRegularFile(folder.resolve("model.safetensors.index.json"));
    }

    /** Opens the checkpoint of {@code folder}. */
    public static Checkpoint open(Path folder) throws ModelLoadException {
        return open(folder, new LoadedFiles());
    }

    /** Opens the checkpoint of {@code folder}, recording each file (hashed through its channel) in {@code files}. */
    static Checkpoint open(Path folder, LoadedFiles files) throws ModelLoadException {
        Path single = folder.resolve("model.safetensors");
        Path index = folder.resolve("model.safetensors.index.json");
        List<SafetensorsFile> opened = new ArrayList<>();
        Map<String, RawTensor> out = new LinkedHashMap<>();
        try {
            if (Files.isRegularFile(single)) {
                SafetensorsFile f = openHashed(single, files);
                opened.add(f);
                for (TensorEntry e : f.tensors().values()) {
                    out.put(e.name(), new RawTensor(e.name(), e.dtype(), e.shape(), f.map(e), single));
                }
            } else if (Files.isRegularFile(index)) {
                Map<String, String> weightMap = readIndex(folder, index, files);
                Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
                for (Map.Entry<String, String> w : weightMap.entrySet()) {
                    SafetensorsFile f = shards.get(w.getValue());
                    if (f == null) {
                        f = openHashed(folder.resolve(w.getValue()), files);
                        opened.add(f);
                        shards.put(w.getValue(), f);
                    }
                    TensorEntry e = f.tensors().get(w.getKey());
                    if (e == null) {
                        throw new MalformedModelException(f.path(), "tensor '" + w.getKey() + "' is mapped to this "
                                + "shard by " + index.getFileName() + " but the shard does not hold it");
                    }
                    out.put(e.name(), new RawTensor(e.name(), e.dtype(), e.shape(), f.map(e), f.path()));
                }
            } else if (Files.isRegularFile(folder.resolve("pytorch_model.bin"))) {
                throw new UnsupportedModelException(folder.resolve("pytorch_model.bin"), "pickle checkpoints "
                        + "(pytorch_model.bin) are not loaded; convert the model to safetensors");
            } else {
                for (Path p : List.of(single, index)) {
                    String why = notARegularFile(p);
                    if (why != null) {
                        throw new ModelLoadException(p, why);
                    }
                }
                throw new ModelLoadException(folder, "no model.safetensors or model.safetensors.index.json found");
            }
        } catch (ModelLoadException e) {
            opened.forEach(SafetensorsFile::close);
            throw e;
        }
        return new Checkpoint(opened, out);
    }

    /** Opens {@code file}, to be hashed whole through the channel its tensors are mapped from. */
    private static SafetensorsFile openHashed(Path file, LoadedFiles files) throws ModelLoadException {
        Map<String, Object> before = LoadedFiles.identity(file);
        SafetensorsFile f = SafetensorsFile.open(file);
        files.addLater(file, before, f::sha256); // hashed once the loader has checked the model fits in memory
        return f;
    }

    static Map<String, String> readIndex(Path folder, Path index, LoadedFiles files) throws ModelLoadException {
        JsonNode root = HfConfig.readJson(index, files);
        JsonNode wm = root.get("weight_map");
        if (wm == null || !wm.isObject() || wm.isEmpty()) {
            throw new MalformedModelException(index, "expected a non-empty 'weight_map' object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        Path base;
        try {
            base = folder.toRealPath();
        } catch (IOException e) {
            throw new ModelLoadException(folder, "cannot resolve folder: " + e.getMessage(), e);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new MalformedModelException(index, "weight_map['" + e.getKey() + "'] must be a file name");
            }
            String shard = e.getValue().asText();
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..")
                    || shard.equals(".") || shard.indexOf('\0') >= 0 || !shard.endsWith(".safetensors")) {
                throw new MalformedModelException(index, "shard name '" + shard + "' for tensor '" + e.getKey()
                        + "' must be a plain *.safetensors file name inside the model folder");
            }
            Path p = folder.resolve(shard);
            try {
                if (!p.toRealPath().startsWith(base)) {
                    throw new MalformedModelException(index, "shard '" + shard + "' resolves outside the model folder");
                }
                if (!Files.isRegularFile(p)) {
                    // a FIFO or device would block or never end when read
                    throw new MalformedModelException(index, "shard '" + shard + "' is not a regular file");
                }
            } catch (MalformedModelException ex) {
                throw ex;
            } catch (IOException ex) {
                throw new ModelLoadException(p, "shard named by " + index.getFileName() + " is missing");
            }
            out.put(e.getKey(), shard);
        }
        return out;
    }

    /**
     * Why {@code p}, which is not a regular file, cannot be read — a dangling symbolic link (or a loop of links), a
     * folder, a FIFO or a device — or null when nothing is there at all. Symbolic links to regular files are
     * followed wherever they point: a user may keep a model's files in a cache.
     */
    static String notARegularFile(Path p) {
        if (Files.isSymbolicLink(p) && !Files.exists(p)) {
            String target;
            try {
                target = " to " + Files.readSymbolicLink(p);
            } catch (IOException | UnsupportedOperationException e) {
                target = "";
            }
            return "is a symbolic link" + target + " that leads to no file (dangling, or a loop of links)";
        }
        if (Files.isDirectory(p)) {
            return "is a folder, expected a file";
        }
        if (Files.exists(p) && !Files.isRegularFile(p)) {
            return "is not a regular file (a FIFO, socket or device is never read)";
        }
        return null;
    }

    /** All tensors by name. */
    public Map<String, RawTensor> tensors() {
        return tensors;
    }

    /** The first file of the checkpoint (for provenance). */
    public List<Path> files() {
        return files.stream().map(SafetensorsFile::path).toList();
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
