package org.amdet.examples.cli;

import org.amdet.safetensors.SafetensorsFile;
import org.amdet.safetensors.TensorEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code amdet compare}: max absolute difference per tensor between two safetensors files. */
@Command(name = "compare", description = "Compare tensors of two safetensors files (max absolute difference); exit 1 "
        + "when a shared tensor differs by more than --tolerance or ids differ.")
final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "actual .safetensors")
    Path actual;

    @Parameters(index = "1", description = "expected .safetensors")
    Path expected;

    @Option(names = "--tolerance", defaultValue = "1e-4")
    double tolerance;

    @Option(names = "--map", description = "tensor renames actual=expected, e.g. pooled=text_embeds (repeatable; "
            + "the first that exists in the expected file is used)")
    List<String> renames = List.of();

    @Override
    public Integer call() throws Exception {
        boolean ok = true;
        int compared = 0;
        try (SafetensorsFile a = SafetensorsFile.open(actual); SafetensorsFile b = SafetensorsFile.open(expected)) {
            for (TensorEntry e : a.tensors().values()) {
                String other = e.name();
                for (String r : renames) {
                    String[] kv = r.split("=", 2);
                    if (kv.length == 2 && kv[0].equals(e.name()) && b.tensors().containsKey(kv[1])) {
                        other = kv[1];
                        break;
                    }
                }
                if (!b.tensors().containsKey(other)) {
                    continue;
                }
                TensorEntry f = b.tensors().get(other);
                if (!Arrays.equals(e.shape(), f.shape())) {
                    System.out.printf("%-20s shape %s vs %s%n", e.name(), Arrays.toString(e.shape()),
                            Arrays.toString(f.shape()));
                    ok = false;
                    continue;
                }
                float[] x = a.readFloats(e.name());
                float[] y = b.readFloats(other);
                double m = 0;
                for (int i = 0; i < x.length; i++) {
                    m = Math.max(m, Math.abs((double) x[i] - y[i]));
                }
                boolean pass = e.dtype().isFloatingPoint() ? m <= tolerance : m == 0;
                ok &= pass;
                compared++;
                System.out.printf("%-20s max|diff| %.3e  %s%n", e.name() + (other.equals(e.name()) ? "" : "~" + other),
                        m, pass ? "ok" : "FAIL");
            }
        }
        if (compared == 0) {
            System.out.println("no tensors in common");
            return 1;
        }
        return ok ? 0 : 1;
    }
}
