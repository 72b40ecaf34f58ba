package io.jseek.weights;

import io.jseek.json.Json;
import io.jseek.json.JsonException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code .safetensors} file, mapped once with the FFM API: an 8-byte little-endian header length N,
 * N bytes of JSON ({@code name -> {dtype, shape, data_offsets}}), then the raw data (spec §10).
 * Every header entry is checked against the file before any tensor is handed out, so a truncated or
 * hostile file fails here with one clear message instead of a crash later.
 */
public final class SafeTensorsFile {
    /** Headers of real checkpoints are well under 10 MB; anything bigger is not a header. */
    static final long MAX_HEADER = 100L << 20;

    private final Path path;
    private final Map<String, Tensor> tensors;

    private SafeTensorsFile(Path path, Map<String, Tensor> tensors) {
        this.path = path;
        this.tensors = tensors;
    }

    public Path path() {
        return path;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** Maps {@code path} into {@code arena} (which owns the mapping) and validates its header. */
    @SuppressWarnings("unchecked")
    public static SafeTensorsFile open(Path path, Arena arena) {
        String fname = path.getFileName().toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new CheckpointException(fname + ": truncated safetensors file (" + size + " bytes, no header)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            while (lenBuf.hasRemaining() && ch.read(lenBuf, lenBuf.position()) > 0) { }
            long n = lenBuf.getLong(0);
            if (n < 2 || n > MAX_HEADER)
                throw new CheckpointException(fname + ": invalid safetensors header length " + Long.toUnsignedString(n) + " (file is " + size + " bytes)");
            if (8 + n > size)
                throw new CheckpointException(fname + ": truncated safetensors file: header needs " + (8 + n) + " bytes, file has " + size);
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            while (hb.hasRemaining()) {
                if (ch.read(hb, 8 + hb.position()) < 0) throw new CheckpointException(fname + ": unexpected end of file in header");
            }
            String headerText = new String(hb.array(), java.nio.charset.StandardCharsets.UTF_8);
            Map<String, Object> header;
            try {
                header = Json.parseObject(headerText.stripTrailing());
            } catch (JsonException e) {
                throw new CheckpointException(fname + ": safetensors header is not valid JSON: " + e.getMessage());
            }
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long dataStart = 8 + n;
            long dataSize = size - dataStart;
            Map<String, Tensor> out = new LinkedHashMap<>();
            List<long[]> ranges = new ArrayList<>();
            List<String> rangeNames = new ArrayList<>();
            for (Map.Entry<String, Object> e : header.entrySet()) {
                String name = e.getKey();
                if (name.equals("__metadata__")) continue;
                if (!(e.getValue() instanceof Map<?, ?> m)) throw new CheckpointException(fname + ": header entry " + name + " is not an object");
                Map<String, Object> info = (Map<String, Object>) m;
                if (!(info.get("dtype") instanceof String ds)) throw new CheckpointException(fname + ": " + name + ": missing dtype");
                DType dt = DType.parse(ds);
                if (dt == null) throw new CheckpointException(fname + ": " + name + ": unknown dtype " + ds);
                if (!(info.get("shape") instanceof List<?> sh)) throw new CheckpointException(fname + ": " + name + ": missing shape");
                long[] shape = new long[sh.size()];
                long numel = 1;
                for (int k = 0; k < shape.length; k++) {
                    if (!(sh.get(k) instanceof Long v) || v < 0) throw new CheckpointException(fname + ": " + name + ": invalid shape " + sh);
                    shape[k] = v;
                    numel = Math.multiplyHigh(numel, v) != 0 ? -1 : numel * v;
                    if (numel < 0) throw new CheckpointException(fname + ": " + name + ": shape " + sh + " is too large");
                }
                if (!(info.get("data_offsets") instanceof List<?> off) || off.size() != 2
                        || !(off.get(0) instanceof Long b) || !(off.get(1) instanceof Long en))
                    throw new CheckpointException(fname + ": " + name + ": missing or invalid data_offsets");
                if (b < 0 || en < b || en > dataSize)
                    throw new CheckpointException(fname + ": " + name + ": data_offsets [" + b + ", " + en + "] outside the data section of " + dataSize + " bytes (truncated file?)");
                if (numel > Long.MAX_VALUE / dt.bytes || en - b != numel * dt.bytes)
                    throw new CheckpointException(fname + ": " + name + ": data_offsets span " + (en - b) + " bytes but shape " + sh + " of " + dt + " needs " + numel * dt.bytes);
                ranges.add(new long[]{b, en, ranges.size()});
                rangeNames.add(name);
                out.put(name, new Tensor(name, dt, shape, all.asSlice(dataStart + b, en - b), fname));
            }
            ranges.sort(Comparator.comparingLong((long[] r) -> r[0]).thenComparingLong(r -> r[1]));
            for (int k = 1; k < ranges.size(); k++) {
                long[] prev = ranges.get(k - 1), cur = ranges.get(k);
                if (cur[0] < prev[1] && cur[1] > cur[0])
                    throw new CheckpointException(fname + ": tensors " + rangeNames.get((int) prev[2]) + " and " + rangeNames.get((int) cur[2]) + " have overlapping data_offsets");
            }
            return new SafeTensorsFile(path, out);
        } catch (IOException e) {
            throw new CheckpointException(fname + ": cannot read: " + e.getMessage());
        }
    }
}
