def tree = { name -> new File(basedir, "tree-${name}.txt").text }
def natives = { text, artifact -> (text =~ /org\.bytedeco:${artifact}:jar:([a-z0-9_-]+):/).collect { it[1] }.toSet() }
def nd4j = { text -> (text =~ /org\.nd4j:nd4j-native:jar:([a-z0-9_-]+):/).collect { it[1] }.toSet() }

// default: CPU natives of every platform LibTorch is published for, and ND4J's for each of them
def d = tree('default')
assert natives(d, 'pytorch').containsAll(['linux-x86_64', 'macosx-arm64', 'macosx-x86_64', 'windows-x86_64'])
assert nd4j(d).containsAll(['linux-x86_64', 'macosx-arm64', 'macosx-x86_64', 'windows-x86_64'])
assert !d.contains('mkl') : 'MKL natives pulled in'
assert !d.contains(':1.5.7') : 'a JavaCPP 1.5.7 artifact (ND4J\'s) is in the tree'

// narrowed: only macosx-arm64 natives
def m = tree('macosx-arm64')
assert natives(m, 'pytorch') == ['macosx-arm64'] as Set
assert natives(m, 'javacpp') == ['macosx-arm64'] as Set
assert natives(m, 'openblas') == ['macosx-arm64'] as Set
assert nd4j(m) == ['macosx-arm64'] as Set

// CUDA recipe: LibTorch's gpu natives, the CUDA binding and redistributable next to the linux-x86_64 CPU natives
def c = tree('cuda')
assert natives(c, 'pytorch') == ['linux-x86_64', 'linux-x86_64-gpu'] as Set
assert natives(c, 'cuda') == ['linux-x86_64'] as Set
assert natives(c, 'cuda-redist') == ['linux-x86_64'] as Set
true
