/**
 * Output staging and file hashing, shared by amdet's modules (reports, the CLI, the zoo builder, the loaders). Every
 * file or folder amdet writes is built aside (a hidden folder on the same file system), flushed to disk and moved
 * into place at the end, or removed; the loaders hash the bytes they load. No LibTorch type here.
 */
package org.amdet.io;
