/**
 * Internal: helpers that amdet-core's packages share (such as telling an interrupt apart from bad input). Used by
 * amdet-core alone; not part of the public API.
 */
package org.amdet.internal;
