/** Runnable examples of amdet's public API (an in-process scan, as a release gate would run it). */
package org.amdet.examples;
