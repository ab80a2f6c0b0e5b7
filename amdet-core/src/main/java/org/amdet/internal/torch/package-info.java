/**
 * Internal: amdet's LibTorch binding (JavaCPP types). Not part of the public API; it may change in any release.
 * Everything here that creates tensors expects to run inside a {@link org.bytedeco.javacpp.PointerScope} owned by
 * the caller.
 */
package org.amdet.internal.torch;
