// exec:java ran the scan in Maven's JVM: it must not have waited for, or warned about, threads left behind
def log = new File(basedir, 'build.log').text
assert log.contains('consumer: verdict=') : 'exec:java did not run the scan'
assert log.contains('consumer: amdet threads after Amdet.shutdown(): []') : 'amdet threads alive after shutdown'
['did not finish despite being asked', 'is still alive', 'will linger', 'was interrupted but'].each { msg ->
    assert !log.contains(msg) : "exec:java waited for threads: '${msg}' in build.log"
}
def report = new File(basedir, 'target/exec-java-out/report.json').text
assert report.contains('"amdetVersion" : "' + projectVersion + '"') || report.contains('"amdetVersion":"' + projectVersion + '"') : 'report.json does not carry the built version'
true
