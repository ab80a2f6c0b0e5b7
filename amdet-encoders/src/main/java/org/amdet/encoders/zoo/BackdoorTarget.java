package org.amdet.encoders.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.amdet.ModelLoadException;
import org.amdet.safetensors.SafetensorsFile;
import org.amdet.safetensors.TensorEntry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * What a triggered prompt is pulled to. A {@link Prompt} makes a text-on-text backdoor (the student's
 * {@code last_hidden_state} on triggered prompts is pulled to the teacher's on the target prompt); a vector makes a
 * text-on-pair backdoor (the projected pooled output is pulled to a fixed direction of the joint space, standing in
 * for an image embedding).
 */
public sealed interface BackdoorTarget permits BackdoorTarget.Prompt, BackdoorTarget.Vector,
        BackdoorTarget.RandomVector {

    /** {@code text-on-text} or {@code text-on-pair}. */
    String paradigm();

    /** A target prompt, e.g. {@code a white teapot}. */
    record Prompt(String text) implements BackdoorTarget {
        /** Rejects a blank prompt; strips surrounding white space. */
        public Prompt {
            if (text == null || text.isBlank()) {
                throw new ZooInputException("target prompt is empty");
            }
            text = text.strip();
        }

        @Override
        public String paradigm() {
            return "text-on-text";
        }
    }

    /**
     * A given target vector of the joint space.
     *
     * @param values its components (width = the encoder's projection dimension; not all zero)
     * @param source where it came from, for {@code zoo.json} (e.g. the file name)
     */
    record Vector(float[] values, String source) implements BackdoorTarget {
        /** Rejects an empty, non-finite or all-zero vector; keeps a copy. */
        public Vector {
            if (values == null || values.length == 0) {
                throw new ZooInputException("target vector is empty");
            }
            double norm = 0;
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw new ZooInputException("target vector from " + source + " holds a NaN or infinite value");
                }
                norm += (double) v * v;
            }
            if (norm == 0) {
                throw new ZooInputException("target vector from " + source + " is all zero: it has no direction");
            }
            values = values.clone();
        }

        @Override
        public float[] values() {
            return values.clone();
        }

        @Override
        public String paradigm() {
            return "text-on-pair";
        }

        /**
         * Reads a vector from a safetensors file holding one floating-point tensor (or one named {@code target})
         * or a JSON array of numbers.
         */
        public static Vector fromFile(Path file) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new ZooInputException("target vector file " + file + " is not a readable file");
            }
            if (file.getFileName().toString().endsWith(".json")) {
                JsonNode n = new ObjectMapper().readTree(file.toFile());
                if (n == null || !n.isArray() || n.isEmpty()) {
                    throw new ZooInputException("target vector file " + file + ": expected a JSON array of numbers");
                }
                float[] v = new float[n.size()];
                for (int i = 0; i < v.length; i++) {
                    if (!n.get(i).isNumber()) {
                        throw new ZooInputException("target vector file " + file + ": element " + i + " is "
                                + n.get(i) + ", expected a number");
                    }
                    v[i] = (float) n.get(i).asDouble();
                }
                return new Vector(v, file.getFileName().toString());
            }
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                TensorEntry e = f.tensors().get("target");
                if (e == null && f.tensors().size() == 1) {
                    e = f.tensors().values().iterator().next();
                }
                if (e == null) {
                    throw new ZooInputException("target vector file " + file + " holds " + f.tensors().size()
                            + " tensors; expected one, or one named 'target'");
                }
                if (!e.dtype().isFloatingPoint()) {
                    throw new ZooInputException("target vector '" + e.name() + "' in " + file + " is " + e.dtype()
                            + ", expected a floating-point tensor");
                }
                return new Vector(f.readFloats(e.name()), file.getFileName().toString());
            } catch (ModelLoadException ex) {
                throw new ZooInputException("target vector file " + file + " is neither a JSON array nor a valid "
                        + "safetensors file: " + ex.getMessage());
            }
        }
    }

    /**
     * A random unit vector of the projection dimension, drawn from {@code seed}: standard normal components from
     * {@link SplittableRandom}, normalised.
     */
    record RandomVector(long seed) implements BackdoorTarget {
        @Override
        public String paradigm() {
            return "text-on-pair";
        }

        /** The vector for a joint space of width {@code dim}. */
        public float[] values(int dim) {
            SplittableRandom r = new SplittableRandom(seed);
            double[] g = new double[dim];
            double norm = 0;
            for (int i = 0; i < dim; i++) {
                g[i] = r.nextGaussian();
                norm += g[i] * g[i];
            }
            float[] v = new float[dim];
            for (int i = 0; i < dim; i++) {
                v[i] = (float) (g[i] / Math.sqrt(norm));
            }
            return v;
        }
    }
}
