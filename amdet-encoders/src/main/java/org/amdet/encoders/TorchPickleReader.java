package org.amdet.encoders;

import org.amdet.MalformedModelException;
import org.amdet.ModelLoadException;
import org.amdet.UnsafeCheckpointException;
import org.amdet.safetensors.Dtype;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.nio.BufferUnderflowException;
import java.util.Arrays;
import java.util.NoSuchElementException;

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
    private static final int MAX_STACK = 1_000_000;

    private static final Map<String, Dtype> STORAGES = Map.of("FloatStorage", Dtype.F32, "HalfStorage", Dtype.F16,
            "BFloat16Storage", Dtype.BF16, "DoubleStorage", Dtype.F64, "LongStorage", Dtype.I64, "IntStorage",
            Dtype.I32, "ShortStorage", Dtype.I16, "CharStorage", Dtype.I8, "ByteStorage", Dtype.U8, "BoolStorage",
            Dtype.BOOL);
    private static final Set<String> CALLABLES = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter");

    private TorchPickleReader() {
    }

    private record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    private record StorageRef(Dtype dtype, String key, long numel) {
    }

    private record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
    }

    private static final class Tuple extends ArrayList<Object> {
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
            Object root = new Machine(pickle, file).run();
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

    private static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global g) {
            return "global " + g.qualified();
        }
        return o.getClass().getSimpleName();
    }

    /** The restricted pickle virtual machine. */
    private static final class Machine {
        private final ByteBuffer in;
        private final Path file;
        private final Deque<Object> stack = new ArrayDeque<>();
        private final Deque<Deque<Object>> marks = new ArrayDeque<>();
        private final Map<Long, Object> memo = new HashMap<>();
        private Deque<Object> current = stack;

        Machine(byte[] pickle, Path file) {
            this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
            this.file = file;
        }

        Object run() throws MalformedModelException {
            try {
                while (true) {
                    int at = in.position();
                    int op = in.get() & 0xff;
                    switch (op) {
                        case 0x80 -> in.get(); // PROTO
                        case 0x95 -> in.getLong(); // FRAME
                        case '}' -> push(new LinkedHashMap<>());
                        case ']' -> push(new ArrayList<>());
                        case ')' -> push(new Tuple(List.of()));
                        case '(' -> {
                            marks.push(current);
                            current = new ArrayDeque<>();
                        }
                        case 'X' -> push(str(in.getInt()));
                        case 0x8c -> push(str(in.get() & 0xff));
                        case 0x8d -> push(str(Math.toIntExact(in.getLong())));
                        case 'J' -> push((long) in.getInt());
                        case 'K' -> push((long) (in.get() & 0xff));
                        case 'M' -> push((long) (in.getShort() & 0xffff));
                        case 0x8a -> push(long1(in.get() & 0xff));
                        case 'N' -> push(null);
                        case 0x88 -> push(Boolean.TRUE);
                        case 0x89 -> push(Boolean.FALSE);
                        case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));
                        case 't' -> push(new Tuple(popMark()));
                        case 0x85 -> push(new Tuple(Collections.singletonList(pop())));
                        case 0x86 -> {
                            Object b = pop();
                            Object a = pop();
                            push(new Tuple(Arrays.asList(a, b)));
                        }
                        case 0x87 -> {
                            Object c = pop();
                            Object b = pop();
                            Object a = pop();
                            push(new Tuple(Arrays.asList(a, b, c)));
                        }
                        case 'l' -> push(new ArrayList<>(popMark()));
                        case 'a' -> {
                            Object v = pop();
                            list(peek(), at).add(v);
                        }
                        case 'e' -> {
                            List<Object> items = popMark();
                            list(peek(), at).addAll(items);
                        }
                        case 'd' -> {
                            List<Object> items = popMark();
                            Map<Object, Object> m = new LinkedHashMap<>();
                            putAll(m, items, at);
                            push(m);
                        }
                        case 's' -> {
                            Object v = pop();
                            Object k = pop();
                            dict(peek(), at).put(key(k, at), v);
                        }
                        case 'u' -> {
                            List<Object> items = popMark();
                            putAll(dict(peek(), at), items, at);
                        }
                        case 'q' -> memo.put((long) (in.get() & 0xff), peek());
                        case 'r' -> memo.put(Integer.toUnsignedLong(in.getInt()), peek());
                        case 0x94 -> memo.put((long) memo.size(), peek());
                        case 'h' -> push(memoGet(in.get() & 0xff, at));
                        case 'j' -> push(memoGet(Integer.toUnsignedLong(in.getInt()), at));
                        case 'c' -> push(global(line(), line(), at));
                        case 0x93 -> {
                            Object name = pop();
                            Object module = pop();
                            if (!(module instanceof String m) || !(name instanceof String n)) {
                                throw unsafe(at, "STACK_GLOBAL with non-string operands");
                            }
                            push(global(m, n, at));
                        }
                        case 'Q' -> push(persistent(pop(), at));
                        case 'R' -> {
                            Object args = pop();
                            Object fn = pop();
                            push(reduce(fn, args, at));
                        }
                        case 'b' -> {
                            Object state = pop();
                            Object target = peek();
                            if (!(target instanceof Map)) {
                                throw unsafe(at, "BUILD of " + describe(target) + " (only OrderedDict accepted)");
                            }
                            // OrderedDict state (_metadata) carries no tensors: ignored
                            if (state != null && !(state instanceof Map) && !(state instanceof Tuple)) {
                                throw unsafe(at, "BUILD with a " + describe(state) + " state");
                            }
                        }
                        case '.' -> {
                            if (stack.size() != 1 || current != stack) {
                                throw new MalformedModelException(file, "pickle ends with " + stack.size()
                                        + " objects on the stack, expected 1");
                            }
                            return stack.pop();
                        }
                        default -> throw unsafe(at, String.format("opcode 0x%02x ('%c') is not accepted", op,
                                (char) (op >= 32 && op < 127 ? op : '?')));
                    }
                    if (current.size() > MAX_STACK || memo.size() > MAX_STACK) {
                        throw new MalformedModelException(file, "pickle stack or memo grows past " + MAX_STACK);
                    }
                }
            } catch (BufferUnderflowException e) {
                throw new MalformedModelException(file, "pickle data.pkl is truncated");
            } catch (NoSuchElementException e) {
                throw new MalformedModelException(file, "pickle pops from an empty stack");
            } catch (ArithmeticException e) {
                throw new MalformedModelException(file, "pickle length out of range");
            }
        }

        private MalformedModelException unsafe(int at, String what) {
            return new UnsafeCheckpointException(file, "refused pickle record at byte " + at + " of data.pkl: "
                    + what + "; only tensors and (Ordered)dicts of tensors are loaded, no code is run");
        }

        private void push(Object o) {
            current.push(o == null ? NullBox.INSTANCE : o);
        }

        private Object pop() {
            Object o = current.pop();
            return o == NullBox.INSTANCE ? null : o;
        }

        private Object peek() {
            Object o = current.element();
            return o == NullBox.INSTANCE ? null : o;
        }

        private List<Object> popMark() throws MalformedModelException {
            if (marks.isEmpty()) {
                throw new MalformedModelException(file, "pickle closes a MARK that was never opened");
            }
            List<Object> items = new ArrayList<>(current.size());
            for (Object o : current) {
                items.add(o == NullBox.INSTANCE ? null : o);
            }
            Collections.reverse(items);
            current = marks.pop();
            return items;
        }

        private String str(int n) throws MalformedModelException {
            if (n < 0 || n > in.remaining()) {
                throw new MalformedModelException(file, "pickle string of " + n + " bytes runs past the data");
            }
            byte[] b = new byte[n];
            in.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        private long long1(int n) throws MalformedModelException {
            if (n > 8) {
                throw new MalformedModelException(file, "pickle LONG1 of " + n + " bytes is out of range");
            }
            long v = 0;
            for (int i = 0; i < n; i++) {
                v |= (in.get() & 0xffL) << (8 * i);
            }
            if (n > 0 && n < 8 && (v & (1L << (8 * n - 1))) != 0) {
                v -= 1L << (8 * n);
            }
            return v;
        }

        private String line() throws MalformedModelException {
            StringBuilder sb = new StringBuilder();
            while (true) {
                byte b = in.get();
                if (b == '\n') {
                    return sb.toString();
                }
                if (sb.length() > 256) {
                    throw new MalformedModelException(file, "pickle GLOBAL name too long");
                }
                sb.append((char) (b & 0xff));
            }
        }

        private Object memoGet(long k, int at) throws MalformedModelException {
            if (!memo.containsKey(k)) {
                throw new MalformedModelException(file, "pickle record at byte " + at + " reads memo " + k
                        + ", which was never stored");
            }
            return memo.get(k);
        }

        private Global global(String module, String name, int at) throws MalformedModelException {
            Global g = new Global(module, name);
            if (CALLABLES.contains(g.qualified()) || (module.equals("torch") && STORAGES.containsKey(name))) {
                return g;
            }
            throw unsafe(at, "GLOBAL " + g.qualified());
        }

        private Object persistent(Object pid, int at) throws MalformedModelException {
            if (pid instanceof Tuple t && t.size() == 5 && "storage".equals(t.get(0)) && t.get(1) instanceof Global g
                    && STORAGES.containsKey(g.name())
                    && t.get(2) instanceof String key && t.get(4) instanceof Long numel && numel >= 0) {
                return new StorageRef(STORAGES.get(g.name()), key, numel);
            }
            throw unsafe(at, "persistent id " + pid + " is not a storage record");
        }

        private Object reduce(Object fn, Object args, int at) throws MalformedModelException {
            if (!(fn instanceof Global g) || !(args instanceof Tuple a)) {
                throw unsafe(at, "REDUCE of " + describe(fn));
            }
            switch (g.qualified()) {
                case "collections.OrderedDict" -> {
                    if (!a.isEmpty()) {
                        throw unsafe(at, "OrderedDict with arguments");
                    }
                    return new LinkedHashMap<>();
                }
                case "torch._utils._rebuild_tensor_v2" -> {
                    if (a.size() < 4 || !(a.get(0) instanceof StorageRef s) || !(a.get(1) instanceof Long off)
                            || !(a.get(2) instanceof Tuple size) || !(a.get(3) instanceof Tuple stride)) {
                        throw unsafe(at, "_rebuild_tensor_v2 with unexpected arguments");
                    }
                    return new TensorRef(s, off, longs(size, at), longs(stride, at));
                }
                case "torch._utils._rebuild_parameter" -> {
                    if (a.isEmpty() || !(a.get(0) instanceof TensorRef t)) {
                        throw unsafe(at, "_rebuild_parameter without a tensor");
                    }
                    return t;
                }
                default -> throw unsafe(at, "REDUCE of " + g.qualified());
            }
        }

        private long[] longs(Tuple t, int at) throws MalformedModelException {
            long[] out = new long[t.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(t.get(i) instanceof Long v)) {
                    throw unsafe(at, "tensor size or stride is not an integer");
                }
                out[i] = v;
            }
            return out;
        }

        private List<Object> list(Object o, int at) throws MalformedModelException {
            if (o instanceof ArrayList<?> && !(o instanceof Tuple)) {
                @SuppressWarnings("unchecked")
                List<Object> l = (List<Object>) o;
                return l;
            }
            throw unsafe(at, "APPEND to " + describe(o));
        }

        private Map<Object, Object> dict(Object o, int at) throws MalformedModelException {
            if (o instanceof Map<?, ?>) {
                @SuppressWarnings("unchecked")
                Map<Object, Object> m = (Map<Object, Object>) o;
                return m;
            }
            throw unsafe(at, "SETITEM on " + describe(o));
        }

        private Object key(Object k, int at) throws MalformedModelException {
            if (k == null || k instanceof String || k instanceof Long || k instanceof Boolean) {
                return k;
            }
            throw unsafe(at, "dict key of type " + describe(k));
        }

        private void putAll(Map<Object, Object> m, List<Object> items, int at) throws MalformedModelException {
            if (items.size() % 2 != 0) {
                throw new MalformedModelException(file, "pickle dict record at byte " + at
                        + " has an odd number of items");
            }
            for (int i = 0; i < items.size(); i += 2) {
                m.put(key(items.get(i), at), items.get(i + 1));
            }
        }
    }

    private enum NullBox { INSTANCE }
}
