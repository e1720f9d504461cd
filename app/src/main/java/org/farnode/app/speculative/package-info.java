/**
 * The gateway's side of speculative decoding (issue 6): a {@link org.farnode.app.speculative.Drafter}
 * proposes a window of tokens, the pipeline verifies the window in one pass (one row of logits per
 * drafted position plus one after the last), and {@link org.farnode.app.speculative.GreedyAcceptance}
 * or {@link org.farnode.app.speculative.SpeculativeSampling} keeps the longest prefix the target
 * agrees with and adds one token of the target's own. Both rules are lossless: greedy output is
 * the output of plain greedy decoding, and sampled output has the target's distribution.
 * Nothing here touches the network; the generator wires these pieces into its loop.
 */
package org.farnode.app.speculative;
