/**
 * Internal: amdet-landscape's implementation, such as the cross-JVM lock around the first load of JavaCPP natives.
 * Used by amdet-landscape alone, but for the native-cache lock that amdet-core's LibTorch start-up shares; not part of
 * the public API.
 */
package org.amdet.landscape.internal;
