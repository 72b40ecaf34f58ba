package io.jseek.generate;

import io.jseek.state.DecodeState;
import io.jseek.state.StateFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The persistent prompt cache: decode states saved in a directory, one {@link StateFile} per token
 * prefix (named by the SHA-256 of its token ids), so a long prompt is prefilled once and survives a
 * restart. Lookups find the longest saved proper prefix of a prompt; saves run on a background
 * thread; the directory is capped in bytes with least-recently-used eviction (file mtime is the
 * recency, so it survives restarts too). Unusable files are logged once and ignored. Thread-safe.
 */
public final class PromptCache implements AutoCloseable {
    private record Entry(int tokens, long bytes) {
    }

    private final Path dir;
    private final long maxBytes;
    private final byte[] identity;
    private final Supplier<DecodeState> fresh;
    private final LinkedHashMap<String, Entry> index = new LinkedHashMap<>(16, 0.75f, true); // LRU order, guarded by this
    private final Set<String> pendingSaves = new HashSet<>();                                // guarded by this
    private final Set<String> warned = new HashSet<>();                                      // guarded by this
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("jseek-prompt-cache").daemon().unstarted(r));
    private long bytes;

    /** A state restored from the cache, covering the first {@code tokens} prompt tokens. */
    public record Hit(DecodeState state, int tokens) {
    }

    /**
     * @param identity the model's fingerprint; files of other models are ignored
     * @param fresh    new empty states of the model and kv layout the cache serves
     */
    public PromptCache(Path dir, long maxBytes, byte[] identity, Supplier<DecodeState> fresh) {
        if (maxBytes < 1) throw new IllegalArgumentException("prompt cache size must be >= 1 byte");
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.identity = identity.clone();
        this.fresh = fresh;
        try {
            Files.createDirectories(dir);
            scan();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the prompt cache directory " + dir + ": " + e.getMessage(), e);
        }
        evict();
    }

    /** Indexes the usable files, least recently used first; leftovers of interrupted writes are removed. */
    private void scan() throws IOException {
        String layout = fresh.get().layout().id;
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.toList();
        }
        List<Object[]> found = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (name.contains(StateFile.SUFFIX + ".tmp")) {
                // an interrupted write (ours or another process's if it is old)
                if (now - Files.getLastModifiedTime(f).toMillis() > 600_000) Files.deleteIfExists(f);
                continue;
            }
            if (!name.endsWith(StateFile.SUFFIX)) continue;
            try {
                StateFile.Header h = StateFile.header(f);
                if (!Arrays.equals(h.identity(), identity) || !h.layout().equals(layout)) { // another model's: left alone
                    warn(name, "saved by another model or kv layout");
                    continue;
                }
                found.add(new Object[]{name, new Entry(h.tokens(), Files.size(f)), Files.getLastModifiedTime(f).toMillis()});
            } catch (IOException e) {
                warn(name, e.getMessage());
            }
        }
        found.sort((a, b) -> Long.compare((long) a[2], (long) b[2]));
        for (Object[] o : found) {
            index.put((String) o[0], (Entry) o[1]);
            bytes += ((Entry) o[1]).bytes;
        }
    }

    /** The longest saved proper prefix of {@code prompt[0..n)} longer than {@code longerThan} tokens, restored; or null. */
    public synchronized Hit lookup(int[] prompt, int n, int longerThan) {
        TreeSet<Integer> lengths = new TreeSet<>();
        for (Entry e : index.values()) if (e.tokens > longerThan && e.tokens < n) lengths.add(e.tokens);
        if (lengths.isEmpty()) return null;
        List<String> names = new ArrayList<>();
        MessageDigest md = digest();
        int done = 0;
        for (int len : lengths) {
            update(md, prompt, done, len);
            done = len;
            names.add(name(clone(md)));
        }
        for (int i = names.size() - 1; i >= 0; i--) {
            String name = names.get(i);
            Entry e = index.get(name);
            if (e == null) continue;
            Path f = dir.resolve(name);
            try {
                DecodeState st = fresh.get();
                int[] tokens = StateFile.read(f, identity, st);
                if (tokens.length != e.tokens || !Arrays.equals(tokens, 0, tokens.length, prompt, 0, tokens.length)) {
                    throw new StateFile.Invalid("holds other tokens than its name says");
                }
                Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis()));
                return new Hit(st, tokens.length);
            } catch (IOException | UncheckedIOException e2) {
                warn(name, e2.getMessage());
                index.remove(name);
                bytes -= e.bytes;
            }
        }
        return null;
    }

    /** Saves {@code state} (which consumed tokens[0..n) and is no longer modified) in the background. */
    public void save(int[] tokens, int n, DecodeState state) {
        String name = name(update(digest(), tokens, 0, n));
        synchronized (this) {
            if (index.containsKey(name)) {
                index.get(name); // a use: now the most recent
                return;
            }
            if (!pendingSaves.add(name)) return;
        }
        int[] ids = Arrays.copyOf(tokens, n);
        writer.execute(() -> {
            Path f = dir.resolve(name);
            try {
                StateFile.write(f, identity, ids, n, state);
                long size = Files.size(f);
                synchronized (this) {
                    Entry old = index.put(name, new Entry(n, size));
                    bytes += size - (old == null ? 0 : old.bytes);
                    evict();
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("jseek: prompt cache: could not save " + f + ": " + e);
            } finally {
                synchronized (this) {
                    pendingSaves.remove(name);
                }
            }
        });
    }

    /** Deletes least recently used files until the directory fits the cap. */
    private synchronized void evict() {
        for (Iterator<Map.Entry<String, Entry>> it = index.entrySet().iterator(); it.hasNext() && bytes > maxBytes; ) {
            Map.Entry<String, Entry> e = it.next();
            try {
                Files.deleteIfExists(dir.resolve(e.getKey()));
            } catch (IOException ex) {
                System.err.println("jseek: prompt cache: could not delete " + e.getKey() + ": " + ex.getMessage());
            }
            bytes -= e.getValue().bytes;
            it.remove();
        }
    }

    /** Waits until every save queued so far is on disk. */
    public void flush() {
        try {
            writer.submit(() -> {
            }).get();
        } catch (Exception e) {
            throw new IllegalStateException("prompt cache writer failed", e);
        }
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int size() {
        return index.size();
    }

    private void warn(String name, String why) {
        synchronized (this) {
            if (!warned.add(name)) return;
        }
        System.err.println("jseek: prompt cache: ignoring " + dir.resolve(name) + ": " + why);
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest update(MessageDigest md, int[] tokens, int from, int to) {
        byte[] b = new byte[4];
        for (int i = from; i < to; i++) {
            int v = tokens[i];
            b[0] = (byte) (v >>> 24);
            b[1] = (byte) (v >>> 16);
            b[2] = (byte) (v >>> 8);
            b[3] = (byte) v;
            md.update(b);
        }
        return md;
    }

    private static MessageDigest clone(MessageDigest md) {
        try {
            return (MessageDigest) md.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String name(MessageDigest md) {
        return HexFormat.of().formatHex(md.digest()) + StateFile.SUFFIX;
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
