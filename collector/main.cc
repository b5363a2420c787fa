// groundstation: placeholder entry point while the foundation lands (issue 2).
int main() { return 0; }
