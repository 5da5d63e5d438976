package ai.thinkheads.phoenix.testing;

/**
 * Whether this JVM runs the thorough suite: {@code mvn -B verify -Pthorough} (the parent POM's
 * profile {@code thorough}) sets the system property {@value #PROPERTY} to {@code true} in every
 * module's test JVM. Properties then run their {@link ThoroughTries}, the contract its
 * {@code thoroughStatefulTries()}; a property that counts its tries asserts the count of the suite
 * it runs in.
 */
public final class ThoroughSuite {

    /** The system property that selects the thorough suite. */
    public static final String PROPERTY = "phoenix.thorough";

    private ThoroughSuite() {
    }

    /** Whether {@value #PROPERTY} is {@code true}. */
    public static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty(PROPERTY, "false").strip());
    }
}
