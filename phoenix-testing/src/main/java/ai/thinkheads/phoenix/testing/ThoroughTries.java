package ai.thinkheads.phoenix.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * How many tries a jqwik property runs in the thorough suite ({@code mvn -B verify -Pthorough},
 * see {@link ThoroughSuite}); the default build runs the {@code tries} of its {@code @Property}.
 *
 * <p>For properties whose extra tries only repeat the same path with other values (shell safety,
 * fault schedules, normalisation, the contract's random sequences): the default build keeps
 * enough tries for every bound the property asserts, the thorough suite (benchmarks, a nightly
 * run) looks further. jqwik's {@code @Property(tries = ...)} is a compile-time constant, so the
 * {@link Hook} sets the tries through {@link net.jqwik.api.lifecycle.PropertyAttributes#setTries}
 * before the property runs.
 *
 * <pre>{@code
 * @Property(tries = 100)
 * @ThoroughTries(300)
 * void everyValueArrivesIntact(...) { ... }
 * }</pre>
 *
 * A property whose assertions count its tries must count the tries that ran (not the annotation's
 * constant), so that both suites check the same bound.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@AddLifecycleHook(ThoroughTries.Hook.class)
public @interface ThoroughTries {

    /** The property's tries in the thorough suite. */
    int value();

    /** Sets the tries from {@link ThoroughTries#value()} when {@link ThoroughSuite#enabled()}. */
    final class Hook implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            if (ThoroughSuite.enabled()) {
                context.findAnnotation(ThoroughTries.class)
                        .ifPresent(thorough -> context.attributes().setTries(thorough.value()));
            }
            return property.execute();
        }

        @Override
        public int aroundPropertyProximity() {
            // outside the other hooks, so that they see the tries this suite runs
            return -50;
        }
    }
}
