package io.jseek.weights;

import io.jseek.json.Json;
import io.jseek.json.JsonException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tensors of a Hugging Face checkpoint directory: either {@code model.safetensors.index.json}
 * with its shards, or a single {@code model.safetensors}. Shards are mapped once; closing the
 * checkpoint unmaps them (tensors must not be used afterwards).
 */
public final class Checkpoint implements AutoCloseable {
    public static final String INDEX = "model.safetensors.index.json";
    public static final String SINGLE = "model.safetensors";

    private final Path dir;
    private final Arena arena;
    private final Map<String, Tensor> tensors;
    private final long fileBytes;

    private Checkpoint(Path dir, Arena arena, Map<String, Tensor> tensors, long fileBytes) {
        this.dir = dir;
        this.arena = arena;
        this.tensors = tensors;
        this.fileBytes = fileBytes;
    }

    public static Checkpoint open(Path dir) {
        Arena arena = Arena.ofShared();
        try {
            Map<String, Tensor> all = new TreeMap<>();
            long bytes = 0;
            Path index = dir.resolve(INDEX);
            if (Files.isRegularFile(index)) {
                Map<String, String> weightMap = readIndex(index);
                Map<String, SafeTensorsFile> shards = new LinkedHashMap<>();
                for (String shard : new java.util.TreeSet<>(weightMap.values())) {
                    Path p = dir.resolve(shard).normalize();
                    if (!p.startsWith(dir.normalize()) || shard.contains("/") || shard.contains("\\"))
                        throw new CheckpointException(INDEX + ": shard name '" + shard + "' must be a plain file name in the checkpoint directory");
                    if (!Files.isRegularFile(p)) throw new CheckpointException("missing shard " + shard + " (listed in " + INDEX + ")");
                    SafeTensorsFile f = SafeTensorsFile.open(p, arena);
                    shards.put(shard, f);
                    bytes += Files.size(p);
                }
                for (Map.Entry<String, String> e : weightMap.entrySet()) {
                    Tensor t = shards.get(e.getValue()).tensors().get(e.getKey());
                    if (t == null) throw new CheckpointException(e.getKey() + ": listed in " + INDEX + " under " + e.getValue() + " but not found in that file");
                    all.put(e.getKey(), t);
                }
                for (SafeTensorsFile f : shards.values()) {
                    for (Tensor t : f.tensors().values()) {
                        if (!weightMap.containsKey(t.name()))
                            throw new CheckpointException(t.name() + ": present in " + t.file() + " but missing from " + INDEX);
                    }
                }
            } else if (Files.isRegularFile(dir.resolve(SINGLE))) {
                SafeTensorsFile f = SafeTensorsFile.open(dir.resolve(SINGLE), arena);
                all.putAll(f.tensors());
                bytes = Files.size(dir.resolve(SINGLE));
            } else {
                throw new CheckpointException("no " + INDEX + " or " + SINGLE + " in " + dir);
            }
            return new Checkpoint(dir, arena, all, bytes);
        } catch (IOException e) {
            arena.close();
            throw new CheckpointException(dir + ": " + e.getMessage());
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> readIndex(Path index) throws IOException {
        if (Files.size(index) > 256L << 20) throw new CheckpointException(INDEX + " is larger than 256 MB");
        Map<String, Object> j;
        try {
            j = Json.parseObject(Files.readString(index));
        } catch (JsonException e) {
            throw new CheckpointException(INDEX + ": invalid JSON: " + e.getMessage());
        }
        if (!(j.get("weight_map") instanceof Map<?, ?> wm)) throw new CheckpointException(INDEX + ": missing weight_map object");
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, Object> e : ((Map<String, Object>) wm).entrySet()) {
            if (!(e.getValue() instanceof String s)) throw new CheckpointException(INDEX + ": weight_map[" + e.getKey() + "] is not a file name");
            out.put(e.getKey(), s);
        }
        return out;
    }

    public Path dir() {
        return dir;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public long fileBytes() {
        return fileBytes;
    }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new CheckpointException(name + ": missing from the checkpoint");
        return t;
    }

    public Tensor find(String name) {
        return tensors.get(name);
    }

    @Override
    public void close() {
        arena.close();
    }
}
