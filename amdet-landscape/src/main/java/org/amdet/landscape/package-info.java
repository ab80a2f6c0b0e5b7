/**
 * The natural-backdoor filter of AMDET: the 2-D loss landscape around an inverted pseudo-trigger and the spectrum of
 * its central-difference Hessians (Wang et al., "Assimilation Matters", arXiv 2512.00343, supplementary B). A real
 * backdoor sits in a smooth convex bowl (positive-definite Hessians); a natural backdoor feature of a benign model
 * sits on an irregular, saddle-like surface.
 */
package org.amdet.landscape;
