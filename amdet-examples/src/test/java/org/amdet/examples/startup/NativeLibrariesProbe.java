package org.amdet.examples.startup;

import org.amdet.Encoders;
import org.amdet.TextEncoder;
import org.amdet.landscape.HessianSpectrum;
import org.amdet.landscape.Landscape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM by {@link FirstRunTest}: starts the natives as the CLI's scanning commands do (preload, load a
 * model, encode, a Hessian spectrum through ND4J), then prints the OpenMP and CUDA libraries mapped into the process,
 * one path a line, prefixed {@code mapped: }.
 */
public final class NativeLibrariesProbe {
    private NativeLibrariesProbe() {
    }

    public static void main(String[] args) throws Exception {
        Encoders.preload();
        try (TextEncoder e = Encoders.load(Path.of(args[0]))) {
            e.encode(List.of("a photo of a cat"));
        }
        Landscape.awaitPreload();
        double[][] bowl = new double[5][5];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                bowl[i][j] = (i - 2) * (i - 2) + (j - 2) * (j - 2);
            }
        }
        System.out.println("positive ratio: " + HessianSpectrum.of(bowl).positiveRatio(1e-6));
        Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.indexOf('/') >= 0)
                .map(l -> l.substring(l.indexOf('/')))
                .filter(p -> p.contains("libgomp") || p.contains("libcudart") || p.contains("libcupti"))
                .distinct()
                .forEach(p -> System.out.println("mapped: " + p));
    }
}
