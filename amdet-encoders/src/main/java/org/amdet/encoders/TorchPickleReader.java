package org.amdet.encoders;

import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.safetensors.Dtype;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch zip checkpoint ({@code torch.save} of a dict or OrderedDict of tensors) without executing it: a
 * restricted pickle interpreter accepts only the opcodes needed for containers and scalars and only these globals:
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code torch._utils._rebuild_parameter}
 * and the typed {@code torch.*Storage} classes. Anything else is an {@link UnsafeCheckpointException} naming the
 * offending record and its byte offset. Zip entries are bounded in count and size and their names are never used as
 * paths.
 */
final class TorchPickleReader {
    /** Most zip entries accepted. */
    public static final int MAX_ENTRIES = 100_000;
    /** Largest data.pkl accepted. */
    public static final long MAX_PICKLE_BYTES = 64L * 1024 * 1024;
    private TorchPickleReader() {
    }

    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    record StorageRef(Dtype dtype, String key, long numel) {
    }

    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
    }

    static final class Tuple extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;

        Tuple(List<Object> items) {
            super(items);
        }
    }

    private static final Object MARK = new Object();

    /** Reads every tensor of the checkpoint at {@code file}, in the order of its dict. */
    public static Map<String, RawTensor> read(Path file) throws ModelLoadException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            if (zip.size() > MAX_ENTRIES) {
                throw new MalformedModelException(file, "zip holds " + zip.size() + " entries, at most "
                        + MAX_ENTRIES + " accepted");
            }
            Map<String, ZipEntry> entries = new HashMap<>();
            String pkl = null;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                entries.put(e.getName(), e);
                if (e.getName().endsWith("data.pkl") && (e.getName().equals("data.pkl")
                        || e.getName().indexOf('/') == e.getName().length() - "/data.pkl".length())) {
                    if (pkl != null) {
                        throw new MalformedModelException(file, "zip holds more than one data.pkl ('" + pkl
                                + "', '" + e.getName() + "'): nested archives are not accepted");
                    }
                    pkl = e.getName();
                }
            }
            if (pkl == null) {
                throw new MalformedModelException(file, "not a PyTorch zip checkpoint: no <name>/data.pkl entry");
            }
            String prefix = pkl.substring(0, pkl.length() - "data.pkl".length());
            ZipEntry bo = entries.get(prefix + "byteorder");
            if (bo != null) {
                String order = new String(readEntry(zip, bo, 16, file), StandardCharsets.US_ASCII).trim();
                if (!order.equals("little")) {
                    throw new MalformedModelException(file, "byteorder '" + order + "' is not supported, expected "
                            + "little");
                }
            }
            byte[] pickle = readEntry(zip, entries.get(pkl), MAX_PICKLE_BYTES, file);
            Object root = new PickleMachine(pickle, file).run();
            Map<?, ?> dict = asDict(root, file);
            if (dict.size() == 1 && dict.get("state_dict") instanceof Map<?, ?> inner) {
                dict = inner;
            }
            Map<String, RawTensor> out = new LinkedHashMap<>();
            Map<String, byte[]> storages = new HashMap<>();
            Map<String, StorageRef> refs = new HashMap<>();
            // first pass: the records agree with each other, and what reading them will allocate fits in memory
            long storageBytes = 0;
            long tensorBytes = 0;
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                if (!(e.getKey() instanceof String name)) {
                    throw new MalformedModelException(file, "state dict key " + e.getKey() + " is not a string");
                }
                if (!(e.getValue() instanceof TensorRef t)) {
                    continue; // non-tensor entries (e.g. version numbers) are ignored
                }
                StorageRef known = refs.putIfAbsent(t.storage().key(), t.storage());
                if (known != null && !known.equals(t.storage())) {
                    throw new MalformedModelException(file, "storage '" + t.storage().key() + "' is declared as "
                            + known.numel() + " × " + known.dtype() + " by one record and " + t.storage().numel()
                            + " × " + t.storage().dtype() + " by another (tensor '" + name + "')");
                }
                long es = t.storage().dtype().size();
                if (known == null) {
                    storageBytes = MemoryBudget.add(storageBytes, MemoryBudget.times(t.storage().numel(), es));
                }
                tensorBytes = MemoryBudget.add(tensorBytes, MemoryBudget.times(checkedNumel(name, t, file), es));
            }
            MemoryBudget.requireHeap(file, storageBytes, "the tensor storages it declares");
            MemoryBudget.requireDirect(file, tensorBytes, "the tensors it declares");
            MemoryBudget.requirePhysical(file, MemoryBudget.add(storageBytes, tensorBytes), "the tensor storages "
                    + "and tensors it declares");
            for (Map.Entry<?, ?> e : dict.entrySet()) {
                String name = (String) e.getKey();
                if (!(e.getValue() instanceof TensorRef t)) {
                    continue;
                }
                byte[] data = storages.get(t.storage().key());
                if (data == null) {
                    ZipEntry se = entries.get(prefix + "data/" + t.storage().key());
                    if (se == null) {
                        throw new MalformedModelException(file, "tensor '" + name + "' refers to storage '"
                                + t.storage().key() + "', which the archive does not hold");
                    }
                    long expected = Math.multiplyExact(t.storage().numel(), t.storage().dtype().size());
                    if (se.getSize() >= 0 && se.getSize() != expected) {
                        throw new MalformedModelException(file, "storage '" + t.storage().key() + "' holds "
                                + se.getSize() + " bytes, its record declares " + expected);
                    }
                    data = readEntry(zip, se, expected, file);
                    if (data.length != expected) {
                        throw new MalformedModelException(file, "storage '" + t.storage().key() + "' holds "
                                + data.length + " bytes, its record declares " + expected);
                    }
                    storages.put(t.storage().key(), data);
                }
                out.put(name, materialise(name, t, data, file));
            }
            return out;
        } catch (ZipException e) {
            throw new MalformedModelException(file, "not a valid zip archive: " + e.getMessage());
        } catch (ArithmeticException e) {
            throw new MalformedModelException(file, "tensor sizes overflow");
        } catch (IOException e) {
            if (e instanceof ModelLoadException m) {
                throw m;
            }
            throw new ModelLoadException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static Map<?, ?> asDict(Object root, Path file) throws MalformedModelException {
        if (root instanceof Map<?, ?> m) {
            return m;
        }
        throw new MalformedModelException(file, "checkpoint root is " + describe(root) + ", expected a dict of "
                + "tensors");
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry e, long max, Path file) throws IOException {
        if (e.getSize() > max) {
            throw new MalformedModelException(file, "zip entry '" + e.getName() + "' is " + e.getSize()
                    + " bytes, expected at most " + max);
        }
        if (max > Integer.MAX_VALUE - 16) {
            throw new MalformedModelException(file, "zip entry '" + e.getName() + "' is larger than 2 GiB");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) max + 1);
            if (b.length > max) {
                throw new MalformedModelException(file, "zip entry '" + e.getName() + "' inflates past " + max
                        + " bytes");
            }
            return b;
        }
    }

    /** The element count of a tensor record, after checking that its view stays inside its storage. */
    private static long checkedNumel(String name, TensorRef t, Path file) throws MalformedModelException {
        long numel = 1;
        for (long s : t.shape()) {
            if (s < 0) {
                throw new MalformedModelException(file, "tensor '" + name + "' has a negative dimension");
            }
            numel = Math.multiplyExact(numel, s);
        }
        if (numel > t.storage().numel()) {
            throw new MalformedModelException(file, "tensor '" + name + "' has " + numel + " elements but its "
                    + "storage only " + t.storage().numel() + ": overlapping (stride-0) views are not accepted");
        }
        if (t.shape().length != t.stride().length) {
            throw new MalformedModelException(file, "tensor '" + name + "' has " + t.shape().length
                    + " dimensions but " + t.stride().length + " strides");
        }
        long maxIndex = t.offset();
        for (int i = 0; i < t.shape().length; i++) {
            if (t.stride()[i] < 0) {
                throw new MalformedModelException(file, "tensor '" + name + "' has a negative stride");
            }
            if (t.shape()[i] > 0) {
                maxIndex = Math.addExact(maxIndex, Math.multiplyExact(t.shape()[i] - 1, t.stride()[i]));
            }
        }
        if (numel > 0 && (t.offset() < 0 || maxIndex >= t.storage().numel())) {
            throw new MalformedModelException(file, "tensor '" + name + "' reaches element " + maxIndex
                    + " of a storage of " + t.storage().numel());
        }
        return numel;
    }

    private static RawTensor materialise(String name, TensorRef t, byte[] data, Path file)
            throws MalformedModelException {
        int es = t.storage().dtype().size();
        long numel = checkedNumel(name, t, file);
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(Math.multiplyExact(numel, es)))
                .order(ByteOrder.LITTLE_ENDIAN);
        long[] idx = new long[t.shape().length];
        for (long n = 0; n < numel; n++) {
            long src = t.offset();
            for (int i = 0; i < idx.length; i++) {
                src += idx[i] * t.stride()[i];
            }
            out.put(data, (int) (src * es), es);
            for (int i = idx.length - 1; i >= 0; i--) {
                if (++idx[i] < t.shape()[i]) {
                    break;
                }
                idx[i] = 0;
            }
        }
        out.flip();
        return new RawTensor(name, t.storage().dtype(), t.shape(), out, file);
    }

    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global g) {
            return "global " + g.qualified();
        }
        return o.getClass().getSimpleName();
    }

    enum NullBox { INSTANCE }
}
