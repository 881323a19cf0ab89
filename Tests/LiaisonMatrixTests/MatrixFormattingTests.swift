import Testing
@testable import LiaisonMatrix

@Suite struct MatrixFormattingTests {
    @Test func userIDsBecomeMentionPillsAndTextIsEscaped() {
        let (html, mentioned) = MatrixHTML.format("meet alice (@alice:example.org), who <knows> & \"helps\".\nBye @bob:ex.org.")
        #expect(html == "meet alice (<a href=\"https://matrix.to/#/@alice:example.org\">@alice:example.org</a>), who &lt;knows&gt; &amp; &quot;helps&quot;.<br>Bye <a href=\"https://matrix.to/#/@bob:ex.org\">@bob:ex.org</a>.")
        #expect(mentioned == ["@alice:example.org", "@bob:ex.org"])
    }

    @Test func thingsThatOnlyLookLikeIDsStayText() {
        #expect(MatrixHTML.format("email me@ or @ or @x: or a@b").mentioned.isEmpty)
        #expect(MatrixHTML.format("<script>@evil:x\"onload=1</script>").html.contains("<script>") == false)
    }

    @Test func replyFallbacksAreNotPartOfTheRequest() {
        #expect(MatrixClient.stripReplyFallback("> <@bob:x> who knows rust?\n> more\n\n!ask go") == "!ask go")
        #expect(MatrixClient.stripReplyFallback("> quoted only") == "> quoted only")
        #expect(MatrixClient.stripReplyFallback("plain") == "plain")
    }

    @Test func theSyncFilterIsValidJSONAskingOnlyForWhatIsNeeded() throws {
        let filter = MatrixClient.filter
        #expect(filter.contains("\"m.room.message\"") && filter.contains("org.liaison.introduction"))
        #expect(filter.contains("\"presence\":{\"types\":[]}"))
    }
}
