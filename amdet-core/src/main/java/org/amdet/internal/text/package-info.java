/** Internal: safe handling of untrusted text (file contents, names, tokens) in messages. Not part of the public API. */
package org.amdet.internal.text;
