package io.jseek.model;

import io.jseek.config.ModelConfig;
import io.jseek.kernels.Parallel;
import io.jseek.kernels.VectorMath;
import io.jseek.kernels.WeightMatrix;
import io.jseek.state.DecodeState;
import io.jseek.state.KvLayout;
import io.jseek.weights.Checkpoint;
import io.jseek.weights.ModelIdentity;
import io.jseek.weights.WeightLoader;

import java.nio.file.Path;

/**
 * The DeepSeek-V4 model (spec §1): embed → copy into hc streams → blocks → HC head → norm → head,
 * plus the MTP block(s). Weights stay memory-mapped; per-sequence state lives in {@link DecodeState}.
 * A forward call consumes any number of tokens at the state's position: a whole prompt as matrix work,
 * a chunk of it, or one decode token — the results agree whatever the split.
 */
public final class Transformer implements AutoCloseable {
    /** Longest chunk processed at once; longer inputs are split (bounds the scratch memory). */
    public static final int MAX_CHUNK = 256;

    private final ModelConfig config;
    private final Checkpoint checkpoint;
    private final Parallel par;
    private final WeightMatrix embed, head; // [V, d]
    private final Block[] layers;
    private final HcHead hcHead;
    private final float[] norm;              // [d]
    private final MtpBlock[] mtp;
    private final Workspace ws;
    private final Batch batch = new Batch();
    private float[] mtpHidden = new float[0];
    private final KvLayout kvLayout;
    private final byte[] identity;

    private Transformer(ModelConfig c, Checkpoint ckpt, int threads, KvLayout kvLayout, byte[] identity) {
        this.kvLayout = kvLayout;
        this.identity = identity;
        this.config = c;
        this.checkpoint = ckpt;
        WeightLoader w = new WeightLoader(ckpt);
        this.embed = w.linear("embed", c.vocabSize(), c.dim());
        this.head = w.linear("head", c.vocabSize(), c.dim());
        this.norm = w.vector("norm.weight", c.dim());
        this.hcHead = new HcHead(w, "", c);
        this.layers = new Block[c.nLayers()];
        for (int l = 0; l < layers.length; l++) layers[l] = new Block(w, "layers." + l + ".", c, l);
        this.mtp = new MtpBlock[c.nMtp()];
        for (int k = 0; k < mtp.length; k++) mtp[k] = new MtpBlock(w, "mtp." + k + ".", c, c.nLayers() + k);
        w.checkAllUsed();
        this.ws = new Workspace(c);
        this.par = new Parallel(threads);
    }

    /** Opens and validates a checkpoint directory (config.json + safetensors). */
    public static Transformer load(Path dir, int threads) {
        return load(dir, threads, KvLayout.F32);
    }

    /** Opens a checkpoint whose new decode states store kv entries as {@code kvLayout}. */
    public static Transformer load(Path dir, int threads, KvLayout kvLayout) {
        ModelConfig c = ModelConfig.load(dir);
        Checkpoint ckpt = Checkpoint.open(dir);
        try {
            return new Transformer(c, ckpt, threads, kvLayout, ModelIdentity.of(dir, ckpt));
        } catch (RuntimeException e) {
            ckpt.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public DecodeState newState() {
        return new DecodeState(config, kvLayout);
    }

    public KvLayout kvLayout() {
        return kvLayout;
    }

    /** The checkpoint's fingerprint ({@link ModelIdentity}): saved states are only restored into the same model. */
    public byte[] identity() {
        return identity.clone();
    }

    /** Installs (or with null removes) an observer of routing decisions. */
    public synchronized void trace(Trace t) {
        ws.trace = t;
    }

    /**
     * Runs tokens[off..off+T) at positions state.position().. and advances the state.
     *
     * @param logits    [T, V] if {@code allRows}, else [V] for the last token only; may be null
     * @param hiddenOut [T, hc·d] final hc-states (input of the head and of the MTP block); may be null
     */
    public void forward(DecodeState st, int[] tokens, int off, int T, float[] logits, boolean allRows, float[] hiddenOut) {
        forward(st, tokens, off, T, logits, allRows, hiddenOut, null);
    }

    /** {@link #forward(DecodeState, int[], int, int, float[], boolean, float[])}, reporting each chunk to {@code progress} (may be null). */
    public synchronized void forward(DecodeState st, int[] tokens, int off, int T, float[] logits, boolean allRows, float[] hiddenOut, Progress progress) {
        checkTokens(tokens, off, T);
        int n = config.hcMult() * config.dim(), V = config.vocabSize();
        for (int c0 = 0; c0 < T; c0 += MAX_CHUNK) {
            int len = Math.min(MAX_CHUNK, T - c0);
            batch.clear();
            batch.add(st, tokens, off + c0, len, st.position());
            runStack();
            st.advance(len);
            if (hiddenOut != null) System.arraycopy(ws.H, 0, hiddenOut, c0 * n, len * n);
            if (progress != null) progress.done(c0 + len, T);
            if (logits == null) continue;
            if (allRows) head(0, len, logits, c0 * V);
            else if (c0 + len == T) head(len - 1, 1, logits, 0);
        }
    }

    /**
     * One decode step for several sequences at once: token[i] is appended to states[i] (all distinct),
     * and logits[i·V ..] receives its next-token logits. The weights are read once for all of them.
     */
    public synchronized void decodeBatch(DecodeState[] states, int[] token, int count, float[] logits) {
        checkTokens(token, 0, count);
        for (int c0 = 0; c0 < count; c0 += MAX_CHUNK) {
            int len = Math.min(MAX_CHUNK, count - c0);
            batch.clear();
            for (int i = c0; i < c0 + len; i++) batch.add(states[i], token, i, 1, states[i].position());
            runStack();
            for (int i = c0; i < c0 + len; i++) states[i].advance(1);
            head(0, len, logits, c0 * config.vocabSize());
        }
    }

    /** Embeds the batch rows into hc streams and runs every block. */
    private void runStack() {
        int d = config.dim(), n = config.hcMult() * d;
        ws.ensure(batch.rows);
        for (int t = 0; t < batch.rows; t++) {
            embed.row(batch.token[t], ws.x, t * d);
            for (int j = 0; j < config.hcMult(); j++) System.arraycopy(ws.x, t * d, ws.H, t * n + j * d, d);
        }
        for (Block b : layers) b.forward(par, ws, batch);
    }

    /** logits rows for batch rows [r0, r0+count): HC head, final norm, head. */
    private void head(int r0, int count, float[] logits, int off) {
        int d = config.dim(), n = config.hcMult() * d, V = config.vocabSize();
        hcHead.forward(par, ws.H, r0 * n, count, ws.mixes, ws.y);
        for (int t = 0; t < count; t++) VectorMath.rmsNorm(ws.y, t * d, norm, (float) config.normEps(), ws.y, t * d, d);
        par.matmul(head, ws.y, 0, d, logits, off, V, count);
    }

    /**
     * The first MTP block: hs [T, hc·d] main final hc-states at MTP positions state.mtpPosition()..,
     * ids[off..off+T) the tokens that follow them -> logits [T, V] predicting the token after each id.
     */
    public synchronized void forwardMtp(DecodeState st, float[] hs, int[] ids, int off, int T, float[] logits) {
        if (mtp.length == 0) throw new IllegalStateException("this checkpoint has no MTP block (num_nextn_predict_layers = 0)");
        checkTokens(ids, off, T);
        int d = config.dim(), n = config.hcMult() * d, V = config.vocabSize();
        for (int c0 = 0; c0 < T; c0 += MAX_CHUNK) {
            int len = Math.min(MAX_CHUNK, T - c0);
            ws.ensure(len);
            if (mtpHidden.length < len * n) mtpHidden = new float[len * n];
            System.arraycopy(hs, c0 * n, mtpHidden, 0, len * n);
            for (int t = 0; t < len; t++) embed.row(ids[off + c0 + t], ws.x, t * d);
            batch.clear();
            batch.add(st, ids, off + c0, len, st.mtpPosition());
            mtp[0].forward(par, ws, batch, mtpHidden);
            st.advanceMtp(len);
            par.matmul(head, ws.y, 0, d, logits, c0 * V, V, len);
        }
    }

    private void checkTokens(int[] tokens, int off, int T) {
        if (T <= 0) throw new IllegalArgumentException("no tokens to process");
        for (int t = off; t < off + T; t++) {
            if (tokens[t] < 0 || tokens[t] >= config.vocabSize())
                throw new IllegalArgumentException("token id " + tokens[t] + " is outside the vocabulary (0.." + (config.vocabSize() - 1) + ")");
        }
    }

    @Override
    public void close() {
        par.close();
        checkpoint.close();
    }
}
