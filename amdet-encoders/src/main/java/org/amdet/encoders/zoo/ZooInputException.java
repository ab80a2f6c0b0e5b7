package org.amdet.encoders.zoo;

/**
 * A zoo-building input that cannot work: a trigger the tokenizer does not see, an empty target, an output folder
 * that already holds something, a target vector of the wrong width. The message names the value and what was
 * expected.
 */
public class ZooInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An exception whose message names the value and what was expected. */
    public ZooInputException(String message) {
        super(message);
    }
}
