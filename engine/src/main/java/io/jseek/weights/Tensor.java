package io.jseek.weights;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One named tensor: a typed, shaped slice of a memory-mapped shard (never copied to the heap).
 *
 * @param file the shard file name, for error messages
 */
public record Tensor(String name, DType dtype, long[] shape, MemorySegment data, String file) {

    public long numel() {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    public int dim(int k) {
        return (int) shape[k];
    }

    public String describe() {
        return shapeString(shape) + " " + dtype;
    }

    public static String shapeString(long[] shape) {
        return Arrays.toString(shape);
    }
}
