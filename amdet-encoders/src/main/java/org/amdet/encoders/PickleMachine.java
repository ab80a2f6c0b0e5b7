package org.amdet.encoders;

import org.amdet.MalformedModelException;
import org.amdet.UnsafeCheckpointException;
import org.amdet.safetensors.Dtype;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The restricted pickle virtual machine of {@link TorchPickleReader}: the opcodes a PyTorch state dict needs, and of
 * globals only the tensor-rebuild functions, storage types and OrderedDict; anything else is refused with the byte
 * offset of the record.
 */
final class PickleMachine {
    private static final int MAX_STACK = 1_000_000;

    private static final Map<String, Dtype> STORAGES = Map.of("FloatStorage", Dtype.F32, "HalfStorage", Dtype.F16,
            "BFloat16Storage", Dtype.BF16, "DoubleStorage", Dtype.F64, "LongStorage", Dtype.I64, "IntStorage",
            Dtype.I32, "ShortStorage", Dtype.I16, "CharStorage", Dtype.I8, "ByteStorage", Dtype.U8, "BoolStorage",
            Dtype.BOOL);
    private static final Set<String> CALLABLES = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter");

    private final ByteBuffer in;
    private final Path file;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Deque<Deque<Object>> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private Deque<Object> current = stack;

    PickleMachine(byte[] pickle, Path file) {
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
                    case ')' -> push(new TorchPickleReader.Tuple(List.of()));
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
                    case 't' -> push(new TorchPickleReader.Tuple(popMark()));
                    case 0x85 -> push(new TorchPickleReader.Tuple(Collections.singletonList(pop())));
                    case 0x86 -> {
                        Object b = pop();
                        Object a = pop();
                        push(new TorchPickleReader.Tuple(Arrays.asList(a, b)));
                    }
                    case 0x87 -> {
                        Object c = pop();
                        Object b = pop();
                        Object a = pop();
                        push(new TorchPickleReader.Tuple(Arrays.asList(a, b, c)));
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
                            throw unsafe(at, "BUILD of " + TorchPickleReader.describe(target) + " (only OrderedDict accepted)");
                        }
                        // OrderedDict state (_metadata) carries no tensors: ignored
                        if (state != null && !(state instanceof Map) && !(state instanceof TorchPickleReader.Tuple)) {
                            throw unsafe(at, "BUILD with a " + TorchPickleReader.describe(state) + " state");
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
        current.push(o == null ? TorchPickleReader.NullBox.INSTANCE : o);
    }

    private Object pop() {
        Object o = current.pop();
        return o == TorchPickleReader.NullBox.INSTANCE ? null : o;
    }

    private Object peek() {
        Object o = current.element();
        return o == TorchPickleReader.NullBox.INSTANCE ? null : o;
    }

    private List<Object> popMark() throws MalformedModelException {
        if (marks.isEmpty()) {
            throw new MalformedModelException(file, "pickle closes a MARK that was never opened");
        }
        List<Object> items = new ArrayList<>(current.size());
        for (Object o : current) {
            items.add(o == TorchPickleReader.NullBox.INSTANCE ? null : o);
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

    private TorchPickleReader.Global global(String module, String name, int at) throws MalformedModelException {
        TorchPickleReader.Global g = new TorchPickleReader.Global(module, name);
        if (CALLABLES.contains(g.qualified()) || (module.equals("torch") && STORAGES.containsKey(name))) {
            return g;
        }
        throw unsafe(at, "GLOBAL " + g.qualified());
    }

    private Object persistent(Object pid, int at) throws MalformedModelException {
        if (pid instanceof TorchPickleReader.Tuple t && t.size() == 5 && "storage".equals(t.get(0)) && t.get(1) instanceof TorchPickleReader.Global g
                && STORAGES.containsKey(g.name())
                && t.get(2) instanceof String key && t.get(4) instanceof Long numel && numel >= 0) {
            return new TorchPickleReader.StorageRef(STORAGES.get(g.name()), key, numel);
        }
        throw unsafe(at, "persistent id " + pid + " is not a storage record");
    }

    private Object reduce(Object fn, Object args, int at) throws MalformedModelException {
        if (!(fn instanceof TorchPickleReader.Global g) || !(args instanceof TorchPickleReader.Tuple a)) {
            throw unsafe(at, "REDUCE of " + TorchPickleReader.describe(fn));
        }
        switch (g.qualified()) {
            case "collections.OrderedDict" -> {
                if (!a.isEmpty()) {
                    throw unsafe(at, "OrderedDict with arguments");
                }
                return new LinkedHashMap<>();
            }
            case "torch._utils._rebuild_tensor_v2" -> {
                if (a.size() < 4 || !(a.get(0) instanceof TorchPickleReader.StorageRef s) || !(a.get(1) instanceof Long off)
                        || !(a.get(2) instanceof TorchPickleReader.Tuple size) || !(a.get(3) instanceof TorchPickleReader.Tuple stride)) {
                    throw unsafe(at, "_rebuild_tensor_v2 with unexpected arguments");
                }
                return new TorchPickleReader.TensorRef(s, off, longs(size, at), longs(stride, at));
            }
            case "torch._utils._rebuild_parameter" -> {
                if (a.isEmpty() || !(a.get(0) instanceof TorchPickleReader.TensorRef t)) {
                    throw unsafe(at, "_rebuild_parameter without a tensor");
                }
                return t;
            }
            default -> throw unsafe(at, "REDUCE of " + g.qualified());
        }
    }

    private long[] longs(TorchPickleReader.Tuple t, int at) throws MalformedModelException {
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
        if (o instanceof ArrayList<?> && !(o instanceof TorchPickleReader.Tuple)) {
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) o;
            return l;
        }
        throw unsafe(at, "APPEND to " + TorchPickleReader.describe(o));
    }

    private Map<Object, Object> dict(Object o, int at) throws MalformedModelException {
        if (o instanceof Map<?, ?>) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> m = (Map<Object, Object>) o;
            return m;
        }
        throw unsafe(at, "SETITEM on " + TorchPickleReader.describe(o));
    }

    private Object key(Object k, int at) throws MalformedModelException {
        if (k == null || k instanceof String || k instanceof Long || k instanceof Boolean) {
            return k;
        }
        throw unsafe(at, "dict key of type " + TorchPickleReader.describe(k));
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
