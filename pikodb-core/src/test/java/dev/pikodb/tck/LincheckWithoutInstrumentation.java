package dev.pikodb.tck;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.jetbrains.lincheck.jvm.agent.InstrumentationMode;
import org.jetbrains.lincheck.jvm.agent.LincheckInstrumentation;

/**
 * Prepares Lincheck 3.7 to run its stress strategy in this JVM without rewriting any class, as if its
 * Java agent had been given on the command line with no transformation to apply.
 *
 * <p>Why: by default, every Lincheck check installs its agent dynamically and, in stress mode,
 * re-transforms every class already loaded in the JVM that it has not transformed yet
 * ({@code LincheckInstrumentation.install}); at the end of the check it re-transforms every loaded
 * class again to undo that ({@code LincheckInstrumentation.uninstall}, because the stress mode uses the
 * "eager" strategy). Each re-transformation is a JVM safepoint operation. With the Redis engine
 * started, about 7,000 classes are loaded (Lettuce, Netty, Reactor, Jackson): measured on an idle
 * 2-CPU machine, the install alone took 49 s, and the uninstall took 112 s of CPU in the JVM's VM
 * thread, after which the test JVM hung. What those transformations add in stress mode is only the
 * tracking of coroutine suspensions (Lincheck's {@code StressDefaultTransformationProfile}); the
 * operations of {@link LinearizabilityScenario} are plain blocking Java methods, so the stress
 * strategy runs, generates and verifies exactly the same without them.
 *
 * <p>How: Lincheck skips its install and uninstall when its agent is attached statically
 * ({@code withLincheckJavaAgent}). {@link #prepare()} registers the JVM's {@link Instrumentation}
 * (obtained by Byte Buddy's attach, as Lincheck itself does) as a static attach, selects the stress
 * mode with its strategy and profile (private methods of {@code LincheckInstrumentation}, called
 * reflectively), and adds Lincheck's bootstrap classes to the boot class path, as its install does.
 * No class file transformer is registered, so no class is ever rewritten. The cost: a few
 * milliseconds. The consequence: every later Lincheck check in this JVM runs the same way, so this
 * must not be used in a JVM that runs Lincheck's model checking (none of PikoDB's tests do: it
 * refuses the directory engine's file operations).
 */
public final class LincheckWithoutInstrumentation {

    private static boolean prepared;

    private LincheckWithoutInstrumentation() {
    }

    /**
     * Makes the Lincheck checks of this JVM run without instrumentation; does nothing when done before.
     *
     * @throws IllegalStateException when Lincheck's agent was already attached in this JVM (a check ran
     *     before this was called), or when Lincheck's internals are not those of version 3.7
     */
    public static synchronized void prepare() {
        if (prepared) {
            return;
        }
        LincheckInstrumentation lincheck = LincheckInstrumentation.INSTANCE;
        if (lincheck.getJavaAgentAttachType() != null) {
            throw new IllegalStateException("Lincheck's agent is already attached (" + lincheck.getJavaAgentAttachType()
                    + "): call LincheckWithoutInstrumentation.prepare() before the first Lincheck check of the JVM");
        }
        lincheck.attachJavaAgentStatically(ByteBuddyAgent.install());
        lincheck.setInstrumentationMode(InstrumentationMode.STRESS);
        for (String setter : new String[] {"setInstrumentationStrategy", "setTransformationProfile"}) {
            try {
                Method method = LincheckInstrumentation.class.getDeclaredMethod(setter);
                method.setAccessible(true);
                method.invoke(lincheck);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot call LincheckInstrumentation." + setter + "(): this class"
                        + " is written for Lincheck 3.7; check the Lincheck version in the pom", e);
            }
        }
        lincheck.appendBootstrapJarToClassLoaderSearch();
        prepared = true;
    }
}
