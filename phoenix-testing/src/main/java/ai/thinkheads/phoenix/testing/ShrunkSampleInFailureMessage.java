package ai.thinkheads.phoenix.testing;

import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * A jqwik hook that puts a falsified property's shrunk sample into its failure message.
 *
 * <p>Why: jqwik prints its report (seed, sample, shrunk sample) to standard output, and the build
 * sends test output to {@code target/surefire-reports/*-output.txt}
 * ({@code redirectTestOutputToFile}). jqwik's own failure message names the sample only when a
 * property returns {@code false}; when it throws (an assertion, a refused primitive) the console
 * and the surefire failure would show the exception alone. With this hook the failure reads
 * {@code <original exception>} followed by {@code Shrunk sample:} and one line per parameter
 * ({@code name: value}), and the original exception stays its cause.
 *
 * <p>Register it for a module's tests with a file
 * {@code src/test/resources/META-INF/services/net.jqwik.api.lifecycle.LifecycleHook} naming this
 * class; jqwik then applies it to every property (a registered hook applies everywhere). It is not
 * registered in the testkit jar itself, so depending on the testkit changes nothing by itself.
 */
public final class ShrunkSampleInFailureMessage implements AroundPropertyHook {

    /** Longest rendering of one parameter value in the message; longer ones are cut. */
    static final int MAX_VALUE_CHARS = 4000;

    /** The marker line that starts the sample in a rewritten message. */
    static final String MARKER = "Shrunk sample";

    @Override
    public PropertyExecutionResult aroundProperty(
            PropertyLifecycleContext context, PropertyExecutor property) {
        PropertyExecutionResult result = property.execute();
        if (result.status() != PropertyExecutionResult.Status.FAILED) {
            return result;
        }
        // falsifiedParameters(): the final sample, i.e. the shrunk one when shrinking happened
        Optional<List<Object>> sample = result.falsifiedParameters();
        if (sample.isEmpty()) {
            return result;
        }
        Throwable original = result.throwable().orElse(null);
        return result.mapToFailed(
                new AssertionError(message(context, sample.get(), original), original));
    }

    /** A registered hook sits on the engine; this makes it reach every property below it. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    /** Runs outside every other around-property hook, so it sees their final result. */
    @Override
    public int aroundPropertyProximity() {
        return -100;
    }

    private static String message(
            PropertyLifecycleContext context, List<Object> sample, Throwable original) {
        StringBuilder text = new StringBuilder();
        text.append(original == null ? "Property [" + context.label() + "] failed" : String.valueOf(original));
        text.append(System.lineSeparator()).append(System.lineSeparator()).append(MARKER);
        text.append(':');
        List<String> names = parameterNames(context, sample.size());
        for (int i = 0; i < sample.size(); i++) {
            text.append(System.lineSeparator())
                    .append("  ")
                    .append(names.get(i))
                    .append(": ")
                    .append(render(sample.get(i)));
        }
        return text.toString();
    }

    private static List<String> parameterNames(PropertyLifecycleContext context, int count) {
        List<String> names = new ArrayList<>();
        Parameter[] parameters = context.targetMethod().getParameters();
        for (int i = 0; i < count; i++) {
            names.add(i < parameters.length ? parameters[i].getName() : "arg" + i);
        }
        return names;
    }

    private static String render(Object value) {
        String text = value instanceof CharSequence ? "\"" + value + "\"" : String.valueOf(value);
        return text.length() <= MAX_VALUE_CHARS
                ? text
                : text.substring(0, MAX_VALUE_CHARS) + "... (" + text.length() + " chars)";
    }
}
