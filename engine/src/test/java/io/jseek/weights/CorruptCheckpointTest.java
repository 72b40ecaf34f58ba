package io.jseek.weights;

import io.jseek.config.ConfigException;
import io.jseek.json.Json;
import io.jseek.model.Transformer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of broken checkpoint fails at load with one precise message (never a crash or a hang). */
class CorruptCheckpointTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/tiny");
    static final String SHARD1 = "model-00001-of-00003.safetensors";

    @TempDir
    Path dir;

    @BeforeEach
    void copy() throws IOException {
        try (var files = Files.list(GOLDEN)) {
            for (Path p : files.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
                dir.resolve(p.getFileName()).toFile().setWritable(true);
            }
        }
    }

    private String loadError() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> Transformer.load(dir, 1).close());
        assertTrue(e instanceof CheckpointException || e instanceof ConfigException, "unexpected exception type " + e);
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    /** Rewrites shard 1's JSON header (data unchanged). */
    @SuppressWarnings("unchecked")
    private void editHeader(Consumer<Map<String, Object>> edit) throws IOException {
        Path p = dir.resolve(SHARD1);
        byte[] all = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Map<String, Object> h = Json.parseObject(new String(all, 8, (int) n, StandardCharsets.UTF_8).trim());
        edit.accept(h);
        byte[] nh = Json.write(h).getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + nh.length + all.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(nh.length).put(nh).put(all, 8 + (int) n, all.length - 8 - (int) n);
        Files.write(p, out.array());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(Map<String, Object> h, String name) {
        return (Map<String, Object>) h.get(name);
    }

    @Test
    void intactCheckpointLoads() {
        Transformer.load(dir, 1).close();
    }

    @Test
    void truncatedShard() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(SHARD1).toFile(), "rw")) {
            f.setLength(f.length() - 1000);
        }
        String m = loadError();
        assertTrue(m.contains(SHARD1) && m.contains("truncated"), m);
    }

    @Test
    void emptyShard() throws IOException {
        Files.write(dir.resolve(SHARD1), new byte[0]);
        assertTrue(loadError().contains("no header"));
    }

    @Test
    void absurdHeaderLength() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(SHARD1).toFile(), "rw")) {
            f.write(new byte[]{-1, -1, -1, -1, -1, -1, -1, 0x7f});
        }
        assertTrue(loadError().contains("invalid safetensors header length"));
    }

    @Test
    void headerIsNotJson() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(SHARD1).toFile(), "rw")) {
            f.seek(8);
            f.write("{\"x\": [1, 2,".getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(loadError().contains("not valid JSON"));
    }

    @Test
    void unknownDtype() throws IOException {
        editHeader(h -> entry(h, "embed.weight").put("dtype", "Q4_K"));
        String m = loadError();
        assertTrue(m.contains("embed.weight") && m.contains("unknown dtype Q4_K"), m);
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        editHeader(h -> entry(h, "embed.weight").put("data_offsets", List.of(0L, 1L << 40)));
        assertTrue(loadError().contains("outside the data section"));
    }

    @Test
    void overlappingOffsets() throws IOException {
        editHeader(h -> {
            Map<String, Object> a = entry(h, "layers.0.attn.attn_sink");
            Map<String, Object> b = entry(h, "layers.0.attn.kv_norm.weight");
            // give the sink (4 F32 = 16 bytes) a range that starts inside the norm's bytes
            long start = (Long) ((List<?>) b.get("data_offsets")).get(0) + 2;
            a.put("data_offsets", List.of(start, start + 16));
        });
        assertTrue(loadError().contains("overlapping"));
    }

    @Test
    void wrongShapeNamesTensorExpectedFoundAndFile() throws IOException {
        editHeader(h -> {
            Map<String, Object> e = entry(h, "layers.0.attn.attn_sink");
            e.put("shape", List.of(2L, 2L));
        });
        String m = loadError();
        assertEquals("layers.0.attn.attn_sink: expected [4] F32/BF16, found [2, 2] F32 in " + SHARD1, m);
    }

    @Test
    void wrongDtype() throws IOException {
        editHeader(h -> {
            Map<String, Object> e = entry(h, "layers.0.attn.attn_sink");
            e.put("dtype", "I32");
        });
        assertTrue(loadError().startsWith("layers.0.attn.attn_sink: expected [4] F32/BF16, found [4] I32"));
    }

    @Test
    void missingTensor() throws IOException {
        Path idx = dir.resolve(Checkpoint.INDEX);
        Files.writeString(idx, Files.readString(idx).replace("\"layers.0.attn.attn_sink\"", "\"layers.0.attn.attn_sinx\""));
        String m = loadError();
        assertTrue(m.contains("attn_sin"), m);
    }

    @Test
    void missingShard() throws IOException {
        Files.delete(dir.resolve(SHARD1));
        assertTrue(loadError().contains("missing shard " + SHARD1));
    }

    @Test
    void shardNameCannotEscapeTheDirectory() throws IOException {
        Path idx = dir.resolve(Checkpoint.INDEX);
        Files.writeString(idx, Files.readString(idx).replaceFirst("model-00001-of-00003.safetensors", "../../etc/passwd"));
        assertTrue(loadError().contains("plain file name"));
    }

    @Test
    void badIndexJson() throws IOException {
        Files.writeString(dir.resolve(Checkpoint.INDEX), "{\"weight_map\": ");
        assertTrue(loadError().contains("invalid JSON"));
    }

    @Test
    void configMissingKey() throws IOException {
        Path c = dir.resolve("config.json");
        Files.writeString(c, Files.readString(c).replace("\"hidden_size\"", "\"hidden_sizes\""));
        assertTrue(loadError().contains("missing key hidden_size"));
    }

    @Test
    void configInconsistentRatios() throws IOException {
        Path c = dir.resolve("config.json");
        Files.writeString(c, Files.readString(c).replaceFirst("\"compress_ratios\": \\[", "\"compress_ratios\": [0, "));
        assertTrue(loadError().contains("compress_ratios has 8 entries"));
    }

    @Test
    void configDisagreesWithTensors() throws IOException {
        Path c = dir.resolve("config.json");
        Files.writeString(c, Files.readString(c).replace("\"hidden_size\": 64", "\"hidden_size\": 128"));
        String m = loadError();
        assertTrue(m.startsWith("embed.weight: expected [256, 128]") && m.contains("found [256, 64] BF16"), m);
    }

    @Test
    void unexpectedExtraTensor() throws IOException {
        Path c = dir.resolve("config.json");
        Files.writeString(c, Files.readString(c).replace("\"num_nextn_predict_layers\": 1", "\"num_nextn_predict_layers\": 0")
                .replace("0,\n    0\n  ]", "0\n  ]"));
        String m = loadError();
        assertTrue(m.contains("mtp.0.") && m.contains("unexpected tensor"), m);
    }

    @Test
    void notADirectoryWithACheckpoint() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> Transformer.load(dir.resolve("nope"), 1));
        assertTrue(e.getMessage().contains("config.json not found"));
    }
}
