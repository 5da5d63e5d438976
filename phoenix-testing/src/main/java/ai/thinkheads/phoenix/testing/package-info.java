/**
 * Test set-up every Phoenix module's tests share, in a module of its own so that phoenix-core's
 * tests (which cannot depend on the testkit: the testkit depends on core) and the testkit use one
 * copy. Start with {@link ai.thinkheads.phoenix.testing.ShrunkSampleInFailureMessage}, which makes
 * a failing jqwik property's shrunk sample part of its failure message.
 */
package ai.thinkheads.phoenix.testing;
