/**
 * The safetensors format: a validated, memory-mapped reader that checks the header against the file before
 * anything is mapped, and a writer whose file appears only complete.
 */
package org.amdet.safetensors;
