/**
 * The {@code amdet} command line: {@code scan}, {@code evaluate}, {@code demo}, {@code compare}, {@code encode},
 * {@code inject}, {@code finetune} and {@code bench}, each a picocli command over the public API (the benchmark also
 * over the encoder-family SPI's {@link org.amdet.spi.ScanStages}).
 */
package org.amdet.examples.cli;
