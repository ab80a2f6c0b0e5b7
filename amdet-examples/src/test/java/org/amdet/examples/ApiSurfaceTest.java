package org.amdet.examples;

import org.amdet.BackdoorDetector;
import org.amdet.encoders.ClipFamily;
import org.amdet.landscape.Landscape;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No JavaCPP / LibTorch type appears in amdet's public user API (everything outside {@code org.amdet.internal} and the
 * encoder-family SPI {@code org.amdet.spi}).
 */
class ApiSurfaceTest {

    static List<Class<?>> publicApiClasses(Class<?> anchor) throws IOException, URISyntaxException,
            ClassNotFoundException {
        Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(p -> p.toString().endsWith(".class")).forEach(p -> names.add(root.relativize(p).toString()));
            }
        } else {
            try (var jar = new java.util.jar.JarFile(root.toFile())) {
                jar.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.endsWith(".class")).forEach(names::add);
            }
        }
        for (String n : names) {
            String cn = n.replace('/', '.').replace('\\', '.').replaceAll("\\.class$", "");
            if (cn.contains(".internal.") || cn.contains(".spi.") || cn.endsWith("package-info")) {
                continue;
            }
            Class<?> c = Class.forName(cn, false, anchor.getClassLoader());
            if (Modifier.isPublic(c.getModifiers()) && (c.getEnclosingClass() == null
                    || Modifier.isPublic(c.getEnclosingClass().getModifiers()))) {
                out.add(c);
            }
        }
        return out;
    }

    static boolean leaks(Type t) {
        return t.getTypeName().contains("org.bytedeco");
    }

    @Test
    void publicSignaturesUseNoJavaCppTypes() throws Exception {
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        for (Class<?> anchor : List.of(BackdoorDetector.class, ClipFamily.class, Landscape.class)) {
            for (Class<?> c : publicApiClasses(anchor)) {
                checked++;
                if (c.getGenericSuperclass() != null && leaks(c.getGenericSuperclass())) {
                    leaks.add(c + " extends " + c.getGenericSuperclass());
                }
                for (Type i : c.getGenericInterfaces()) {
                    if (leaks(i)) {
                        leaks.add(c + " implements " + i);
                    }
                }
                for (Method m : c.getDeclaredMethods()) {
                    if (!Modifier.isPublic(m.getModifiers()) && !Modifier.isProtected(m.getModifiers())) {
                        continue;
                    }
                    if (leaks(m.getGenericReturnType())) {
                        leaks.add(c.getName() + "." + m.getName() + " returns " + m.getGenericReturnType());
                    }
                    for (Type p : m.getGenericParameterTypes()) {
                        if (leaks(p)) {
                            leaks.add(c.getName() + "." + m.getName() + " takes " + p);
                        }
                    }
                }
                for (Constructor<?> k : c.getDeclaredConstructors()) {
                    if (Modifier.isPublic(k.getModifiers())) {
                        for (Type p : k.getGenericParameterTypes()) {
                            if (leaks(p)) {
                                leaks.add(c.getName() + " constructor takes " + p);
                            }
                        }
                    }
                }
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isPublic(f.getModifiers()) && leaks(f.getGenericType())) {
                        leaks.add(c.getName() + "." + f.getName() + " is " + f.getGenericType());
                    }
                }
            }
        }
        assertTrue(checked > 30, "checked only " + checked + " classes");
        assertTrue(leaks.isEmpty(), "JavaCPP types in the public API: " + leaks);
    }
}
