/**
 * Internal: output staging. Every file or folder amdet writes is built aside (a hidden folder on the same file
 * system), flushed to disk and moved into place at the end, or removed. Not part of the public API.
 */
package org.amdet.internal.io;
