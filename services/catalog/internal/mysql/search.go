package mysql

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// InnoDB full-text settings that the search terms must respect. They are
// server settings (innodb_ft_min_token_size, innodb_ft_max_token_size,
// innodb_ft_enable_stopword); these are the defaults of MySQL 8, Aurora
// MySQL and MariaDB, and of RDS parameter groups.
const (
	minTokenLen = 3
	maxTokenLen = 84
)

// stopwords is InnoDB's default stopword list
// (INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD), the same on MySQL and
// MariaDB. The index holds none of them, so a required stopword would
// match nothing.
var stopwords = map[string]bool{
	"a": true, "about": true, "an": true, "are": true, "as": true, "at": true,
	"be": true, "by": true, "com": true, "de": true, "en": true, "for": true,
	"from": true, "how": true, "i": true, "in": true, "is": true, "it": true,
	"la": true, "of": true, "on": true, "or": true, "that": true, "the": true,
	"this": true, "to": true, "was": true, "what": true, "when": true,
	"where": true, "who": true, "will": true, "with": true, "und": true,
	"www": true,
}

// booleanQuery turns a search into an InnoDB boolean-mode query that
// requires every word: "Walnut oak-table" becomes "+walnut +oak +table".
//
// Words are runs of letters, digits and underscores, as InnoDB's parser
// splits text, so every other character, boolean operators (+ - < > ( ) ~
// * " @) included, only separates words. Words the index cannot hold
// (shorter than minTokenLen or longer than maxTokenLen characters, or
// stopwords) are dropped, as PostgreSQL drops its stopwords. It returns ""
// when no word is left; such a search matches nothing.
func booleanQuery(search string) string {
	words := strings.FieldsFunc(strings.ToLower(search), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '_'
	})
	var b strings.Builder
	for _, w := range words {
		if n := utf8.RuneCountInString(w); n < minTokenLen || n > maxTokenLen || stopwords[w] {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('+')
		b.WriteString(w)
	}
	return b.String()
}
