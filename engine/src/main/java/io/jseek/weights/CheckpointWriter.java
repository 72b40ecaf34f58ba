package io.jseek.weights;

import io.jseek.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Writes tensors as a sharded Hugging Face checkpoint ({@code model-0000i-of-0000N.safetensors} plus
 * {@code model.safetensors.index.json}), streaming each tensor's bytes from a generator so that
 * multi-GB checkpoints never sit in memory.
 */
public final class CheckpointWriter {
    /** Fills {@code buf} (position 0, limit = bytes wanted) with the next bytes of the tensor. */
    public interface Source {
        void fill(ByteBuffer buf);
    }

    private record Entry(String name, DType dtype, long[] shape, long bytes, Source source) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public void add(String name, DType dtype, long[] shape, Source source) {
        long n = dtype.bytes;
        for (long s : shape) n *= s;
        entries.add(new Entry(name, dtype, shape, n, source));
    }

    public long totalBytes() {
        long n = 0;
        for (Entry e : entries) n += e.bytes;
        return n;
    }

    /** Writes {@code shards} files (the last shard gets the tail of the tensor list). */
    public void write(Path dir, int shards, Consumer<String> progress) {
        try {
            Files.createDirectories(dir);
            long total = totalBytes(), perShard = Math.max(1, (total + shards - 1) / shards);
            List<List<Entry>> groups = new ArrayList<>();
            List<Entry> cur = new ArrayList<>();
            long curBytes = 0;
            for (Entry e : entries) {
                if (!cur.isEmpty() && curBytes + e.bytes > perShard && groups.size() < shards - 1) {
                    groups.add(cur);
                    cur = new ArrayList<>();
                    curBytes = 0;
                }
                cur.add(e);
                curBytes += e.bytes;
            }
            groups.add(cur);
            Map<String, String> weightMap = new TreeMap<>();
            long written = 0;
            for (int s = 0; s < groups.size(); s++) {
                String file = String.format("model-%05d-of-%05d.safetensors", s + 1, groups.size());
                for (Entry e : groups.get(s)) weightMap.put(e.name, file);
                written = writeShard(dir.resolve(file), groups.get(s), written, total, progress);
            }
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("metadata", Map.of("total_size", total));
            index.put("weight_map", weightMap);
            Files.writeString(dir.resolve(Checkpoint.INDEX), Json.write(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long writeShard(Path file, List<Entry> group, long written, long total, Consumer<String> progress) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        long off = 0;
        for (Entry e : group) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", e.dtype.name());
            List<Long> shape = new ArrayList<>();
            for (long d : e.shape) shape.add(d);
            info.put("shape", shape);
            info.put("data_offsets", List.of(off, off + e.bytes));
            header.put(e.name, info);
            off += e.bytes;
        }
        byte[] h = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - h.length % 8) % 8; // keep the data section 8-byte aligned, as the reference writer does
        ByteBuffer head = ByteBuffer.allocate(8 + h.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(h.length + pad).put(h);
        for (int i = 0; i < pad; i++) head.put((byte) ' ');
        head.flip();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long lastReport = written;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (head.hasRemaining()) ch.write(head);
            for (Entry e : group) {
                long left = e.bytes;
                while (left > 0) {
                    int n = (int) Math.min(left, buf.capacity());
                    buf.clear().limit(n);
                    e.source.fill(buf);
                    buf.position(0).limit(n);
                    while (buf.hasRemaining()) ch.write(buf);
                    left -= n;
                    written += n;
                    if (progress != null && written - lastReport >= 256L << 20) {
                        progress.accept(String.format("writing %s: %.0f%%", file.getFileName(), 100.0 * written / total));
                        lastReport = written;
                    }
                }
            }
        }
        return written;
    }
}
