package ai.thinkheads.phoenix.feature;

import ai.thinkheads.phoenix.PhoenixException;

/** A feature cannot be applied as declared: unknown, or a parameter is wrong (the message names it). */
public class FeatureException extends PhoenixException {

    public FeatureException(String message) {
        super(message);
    }
}
