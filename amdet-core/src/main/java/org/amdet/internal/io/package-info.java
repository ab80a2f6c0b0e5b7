/** Internal: file hashing shared by the loaders. Not part of the public API. */
package org.amdet.internal.io;
