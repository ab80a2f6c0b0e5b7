package org.amdet;

import org.amdet.internal.Cancellation;
import org.amdet.internal.torch.Torch;
import org.amdet.spi.EncoderFamily;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.concurrent.CancellationException;
import org.amdet.landscape.Landscape;

/** Entry point to load text encoders: finds the {@link EncoderFamily} that recognises a model and loads it. */
public final class Encoders {
    private Encoders() {
    }

    /**
     * Starts loading the native libraries a scan needs (LibTorch, and ND4J for the landscape) on background threads
     * and returns at once. Call it early — e.g. first thing in {@code main} — so the one to two seconds they take to
     * load overlap with the application's own start-up; {@link #load} and scans then find them ready, or wait for
     * them. Optional, idempotent and cheap; a loading failure is reported by the first call that needs the library.
     * <p>
     * ND4J starts only once LibTorch's natives are loaded, never at the same time: both bundle an OpenMP runtime
     * ({@code libgomp.so.1}: LibTorch's, and ND4J's older one) and the first loaded is the one both then use. Started
     * side by side, whichever won the race decided it — on a warm cache mostly ND4J's 2022 runtime under LibTorch
     * 2.10, on a first run with an empty JavaCPP cache (where each extracts ~330 MB) either. In this order LibTorch
     * always runs on its own runtime and ND4J on the newer, backward-compatible one.
     */
    public static void preload() {
        preload(EncoderOptions.defaults());
    }

    /**
     * {@link #preload()} with the process-wide settings of {@code options} (see {@link EncoderOptions}) applied when
     * LibTorch loads.
     */
    public static void preload(EncoderOptions options) {
        applyStartupSettings(options);
        Torch.initAsync();
        Torch.afterLoad(Landscape::preload);
    }

    private static void applyStartupSettings(EncoderOptions options) {
        if (!Torch.initialised()) {
            Torch.startupSettings(options.singleThreadedBlas(), options.unlimitedJavacppPhysicalBytes());
        }
    }

    /** The encoder families on the class path, in service-loader order. */
    public static List<EncoderFamily> families() {
        List<EncoderFamily> out = new ArrayList<>();
        ServiceLoader.load(EncoderFamily.class, Encoders.class.getClassLoader()).forEach(out::add);
        return out;
    }

    /**
     * The name of the first encoder family on the class path that recognises the model at {@code source}, reading
     * its configuration only (no weights).
     *
     * @param source a model folder or checkpoint file
     * @return the family's name, or empty when none recognises it
     * @throws ModelLoadException when the source is unreadable in a way that concerns every family
     */
    public static Optional<String> familyOf(Path source) throws ModelLoadException {
        for (EncoderFamily f : families()) {
            if (f.recognises(source).isPresent()) {
                return Optional.of(f.name());
            }
        }
        return Optional.empty();
    }

    /**
     * Loads the encoder at {@code source} (a model folder, or a LongCLIP {@code .pt} file) on the CPU in fp32 with the
     * default process-wide settings ({@link EncoderOptions#defaults()}). Release amdet's threads with
     * {@link Amdet#shutdown()} when the application is done with amdet.
     */
    public static TextEncoder load(Path source) throws ModelLoadException {
        return load(source, EncoderOptions.defaults());
    }

    /**
     * Loads the encoder at {@code source} with the given device and precision, auto-detecting its family.
     *
     * @throws UnsupportedModelException when no family recognises it (the message lists the supported ones)
     * @throws LoadCancelledException     when the thread is interrupted before or while the model loads (however
     *                                    the interrupt shows up in the reading code: a closed channel is never
     *                                    reported as a bad model)
     */
    public static TextEncoder load(Path source, EncoderOptions options) throws ModelLoadException {
        applyStartupSettings(options);
        if (Thread.currentThread().isInterrupted()) {
            throw Cancellation.loadCancelled(source, null);
        }
        TextEncoder loaded;
        try {
            loaded = loadUninterrupted(source, options);
        } catch (ModelLoadException | RuntimeException e) {
            if (!(e instanceof CancellationException) && Cancellation.byInterrupt(e)) {
                throw Cancellation.loadCancelled(source, e);
            }
            throw e;
        }
        if (Thread.currentThread().isInterrupted()) { // interrupted during native work, which does not see it
            loaded.close();
            throw Cancellation.loadCancelled(source, null);
        }
        return loaded;
    }

    private static TextEncoder loadUninterrupted(Path source, EncoderOptions options) throws ModelLoadException {
        Torch.initAsync(); // LibTorch loads while the family reads configs and tokenizers
        if (!Files.exists(source)) {
            throw new ModelLoadException(source, "no such file or folder: expected a model folder (config.json, "
                    + "model.safetensors, tokenizer.json) or a LongCLIP .pt checkpoint");
        }
        List<EncoderFamily> families = families();
        if (families.isEmpty()) {
            throw new UnsupportedModelException(source, "no encoder family on the class path: add amdet-encoders");
        }
        record Match(EncoderFamily family, double score) {
        }
        List<Match> matches = new ArrayList<>();
        for (EncoderFamily f : families) {
            Optional<Double> s = f.recognises(source);
            s.ifPresent(v -> matches.add(new Match(f, v)));
        }
        if (matches.isEmpty() && Files.isDirectory(source) && Files.isSymbolicLink(source.resolve("config.json"))
                && !Files.exists(source.resolve("config.json"))) {
            throw new ModelLoadException(source.resolve("config.json"), "is a symbolic link that leads to no file "
                    + "(dangling, or a loop of links)");
        }
        if (matches.isEmpty() && Files.isDirectory(source) && !Files.exists(source.resolve("config.json"))) {
            throw new ModelLoadException(source, "missing config.json: expected a Hugging Face model folder "
                    + "(config.json, model.safetensors, tokenizer.json) or a folder with one LongCLIP .pt checkpoint");
        }
        if (matches.isEmpty()) {
            throw new UnsupportedModelException(source, "unknown text-encoder architecture: supported families are "
                    + families.stream().map(EncoderFamily::name).collect(Collectors.joining(", ")));
        }
        matches.sort(Comparator.comparingDouble(Match::score).reversed());
        TextEncoder encoder = matches.get(0).family().load(source, options);
        if (options.threads() > 0) {
            Torch.setThreads(options.threads());
        }
        return encoder;
    }
}
