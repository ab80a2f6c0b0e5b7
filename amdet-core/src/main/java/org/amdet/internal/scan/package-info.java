/** Internal: the LibTorch implementation of a scan. Not part of the public API. */
package org.amdet.internal.scan;
