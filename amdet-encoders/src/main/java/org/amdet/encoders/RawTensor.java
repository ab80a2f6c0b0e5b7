package org.amdet.encoders;

import org.amdet.safetensors.Dtype;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A tensor as stored in a checkpoint: little-endian, contiguous bytes (memory-mapped or read), not yet in LibTorch.
 *
 * @param name  its key in the checkpoint
 * @param dtype element type
 * @param shape dimensions
 * @param data  little-endian contiguous bytes, numel × dtype size long
 * @param file  the file it came from (for error messages)
 */
record RawTensor(String name, Dtype dtype, long[] shape, ByteBuffer data, Path file) {
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
