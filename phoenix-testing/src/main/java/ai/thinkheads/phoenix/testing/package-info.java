/**
 * Test set-up every Phoenix module's tests share, in a module of its own so that phoenix-core's
 * tests (which cannot depend on the testkit: the testkit depends on core) and the testkit use one
 * copy. Start with {@link ai.thinkheads.phoenix.testing.ShrunkSampleInFailureMessage}, which makes
 * a failing jqwik property's shrunk sample part of its failure message, and with
 * {@link ai.thinkheads.phoenix.testing.ThoroughTries}, which gives a property more tries in the
 * thorough suite ({@code mvn -B verify -Pthorough}, {@link ai.thinkheads.phoenix.testing.ThoroughSuite}).
 */
package ai.thinkheads.phoenix.testing;
