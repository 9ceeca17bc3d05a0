# Prints each test of a TRX file that did not pass, with the first lines of its error message.
function decode(s) {
  gsub(/&#xD;/, "", s); gsub(/&#xA;/, "", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "'", s)
  gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&amp;/, "\\&", s)
  return s
}
/<UnitTestResult / {
  failing = ($0 ~ /outcome="(Failed|Error|Timeout|Aborted)"/)
  if (failing) {
    name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
    print "not passed: " decode(name)
    lines = 0
  }
}
failing && /<Message>/ { inmsg = 1; sub(/.*<Message>/, "") }
failing && inmsg {
  done = sub(/<\/Message>.*/, "")
  if (lines < 12) print "    " decode($0)
  lines++
  if (done) { inmsg = 0; failing = 0 }
}
