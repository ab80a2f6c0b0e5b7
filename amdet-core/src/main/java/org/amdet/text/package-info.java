/**
 * Safe handling of untrusted text (file contents, names, tokens) in messages, shared by amdet's modules. No LibTorch
 * type here.
 */
package org.amdet.text;
