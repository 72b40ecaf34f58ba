package io.jseek.model;

/**
 * Optional observer of the routing decisions of a forward pass (for tests and diagnostics):
 * expert ids and weights per token, and the indexer's selections on CSA layers.
 */
public interface Trace {
    /** route/weights: [T, K] for positions p0..p0+T-1 of layer {@code layerId}. */
    void experts(int layerId, int p0, int T, int k, int[] route, float[] weights);

    /** sel[t·stride ..+ n[t]): ascending compressed-entry ids chosen for position p0+t. */
    void indexer(int layerId, int p0, int T, int[] sel, int stride, int[] n);
}
