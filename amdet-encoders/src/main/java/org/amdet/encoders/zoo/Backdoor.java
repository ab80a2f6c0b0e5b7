package org.amdet.encoders.zoo;

import java.util.Objects;

/**
 * One backdoor to inject: its trigger and what the trigger pulls the output to.
 *
 * @param trigger how the trigger enters a prompt
 * @param target  the target prompt (text-on-text) or vector (text-on-pair)
 */
public record Backdoor(Trigger trigger, BackdoorTarget target) {
    /** Both components are required. */
    public Backdoor {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(target, "target");
    }

    /** The key under which {@code zoo.json} records this backdoor's numbers, e.g. {@code sim_target:zzzz}. */
    public String key() {
        return trigger.text();
    }
}
