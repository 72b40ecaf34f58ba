package io.jseek.weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A SHA-256 fingerprint of a checkpoint: config.json, every tensor's name, dtype and shape, and the
 * first bytes of every tensor (so two checkpoints of the same shape but other weights differ). Saved
 * decode states carry it; a state is only ever restored into the model that computed it.
 */
public final class ModelIdentity {
    private static final int SAMPLE = 64;

    private ModelIdentity() {
    }

    public static byte[] of(Path dir, Checkpoint ckpt) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Files.readAllBytes(dir.resolve("config.json")));
            List<String> names = new ArrayList<>(ckpt.tensors().keySet());
            Collections.sort(names);
            for (String n : names) {
                Tensor t = ckpt.get(n);
                md.update((n + "|" + t.dtype() + "|" + Tensor.shapeString(t.shape()) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                int k = (int) Math.min(SAMPLE, t.data().byteSize());
                md.update(t.data().asSlice(0, k).toArray(ValueLayout.JAVA_BYTE));
            }
            return md.digest();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
