package org.amdet.internal.decision;

import java.util.Objects;

/**
 * Why a scan (or one channel test) cannot support a verdict: a reason and the text for the report.
 *
 * @param reason the kind of reason
 * @param detail what was measured, in words (names the values and the floor they missed)
 */
public record Inconclusive(Reason reason, String detail) {
    /** Both components are required. */
    public Inconclusive {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    /** The kinds of reason. {@link #blocksBackdoored()} says whether a BACKDOORED found anyway still stands. */
    public enum Reason {
        /**
         * Shadow prompts × epochs or test prompts below the floors of {@link Preconditions}: the inversion may not
         * have had the budget to find a trigger, or the test split cannot show one at the family-wise level. A
         * backdoor found anyway stands (the test is exact on any number of prompts).
         */
        TOO_LITTLE_DATA("too little data", false),
        /** The suspect's weights equal the anchor's: nothing can be measured against itself. No verdict at all. */
        IDENTICAL_WEIGHTS("suspect identical to anchor", true),
        /**
         * The pooled channel cannot work (projection with zero rows, an end-of-sequence id the tokenizer never
         * produces): text-on-pair backdoors, which live in the pooled output, could not be seen.
         */
        POOLED_CHANNEL_UNAVAILABLE("pooled channel unavailable", false),
        /** The suspect and anchor agree exactly on at least half of the clean prompts: a ratio to zero means nothing. */
        DEGENERATE_REFERENCE("clean reference is zero", false),
        /**
         * More than the credit cap of clean prompts already disagree at the margin: a backdoor that fires on many
         * clean prompts and a pair too noisy for a ratio cannot be told apart.
         */
        DISPERSED_REFERENCE("clean reference too dispersed", false),
        /**
         * One start alone rejects at the family-wise level α, but no test survives the correction for the number
         * of starts: the verdict would depend on how many starts were run.
         */
        STARTS_DISAGREE("starts disagree", false),
        /**
         * A test's median per-prompt ratio reaches the margin and the test is significant at α on its own, but not
         * after the correction for the number of tests: suggestive evidence that the scan cannot settle. (A median at
         * the margin with p above α is no evidence that most prompts exceed the margin, and is CLEAN.)
         */
        BORDERLINE_EVIDENCE("borderline evidence", false);

        private final String title;
        private final boolean blocksBackdoored;

        Reason(String title, boolean blocksBackdoored) {
            this.title = title;
            this.blocksBackdoored = blocksBackdoored;
        }

        /** A short name for the report. */
        public String title() {
            return title;
        }

        /** True when even a significant test cannot make the scan BACKDOORED (only {@link #IDENTICAL_WEIGHTS}). */
        public boolean blocksBackdoored() {
            return blocksBackdoored;
        }
    }

    /** {@code "<title>: <detail>"}. */
    public String text() {
        return reason.title() + ": " + detail;
    }
}
