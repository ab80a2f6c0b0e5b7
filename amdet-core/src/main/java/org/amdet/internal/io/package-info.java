/**
 * Internal: output staging and file hashing. Every file or folder amdet writes is built aside (a hidden folder on the
 * same file system), flushed to disk and moved into place at the end, or removed; the loaders hash the bytes they
 * load. Not part of the public API.
 */
package org.amdet.internal.io;
