from qa_actions.collect.gitdiff import added_lines, unquote_path

DIFF = '''diff --git a/pkg/mod.py b/pkg/mod.py
index 1111111..2222222 100644
--- a/pkg/mod.py
+++ b/pkg/mod.py
@@ -3 +3,2 @@ def f():
-    return 1
+    return 2
+++ this added line starts with two plus signs
@@ -10,0 +12 @@ def g():
+    pass
@@ -20,2 +22,0 @@
-    gone
-    gone too
diff --git a/sp ace.py b/sp ace.py
--- a/sp ace.py\t
+++ b/sp ace.py\t
@@ -1 +1 @@
-a
\\ No newline at end of file
+b
\\ No newline at end of file
diff --git "a/caf\\303\\251.py" "b/caf\\303\\251.py"
--- "a/caf\\303\\251.py"
+++ "b/caf\\303\\251.py"
@@ -0,0 +1,3 @@
+x
+y
+z
diff --git a/old.py b/old.py
deleted file mode 100644
--- a/old.py
+++ /dev/null
@@ -1,2 +0,0 @@
-a
-b
diff --git a/img.png b/img.png
Binary files a/img.png and b/img.png differ
'''


def test_added_and_changed_lines_per_file() -> None:
    assert added_lines(DIFF) == {"pkg/mod.py": {3, 4, 12}, "sp ace.py": {1}, "café.py": {1, 2, 3}}


def test_a_line_starting_with_plus_plus_is_content_not_a_header() -> None:
    assert "this added line starts with two plus signs" not in str(added_lines(DIFF))


def test_empty_diff() -> None:
    assert added_lines("") == {}


def test_unquote_path() -> None:
    assert unquote_path('"b/tab\\there \\"q\\".py"') == 'b/tab\there "q".py'
    assert unquote_path("plain.py") == "plain.py"
