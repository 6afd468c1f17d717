#!/usr/bin/env bash
# Creates small seed corpora under fuzz/corpus/<target>/ (git-ignored).
#
# Seeds are tiny hand-written examples of each format, plus every file found under
# crates/*/tests/fixtures/ whose extension names a format (.gz suffixes are kept:
# the readers decompress gzip themselves). Re-running is harmless: files are
# named by content hash, so nothing is duplicated. The lexicon artifacts for
# `lexicon_artifact` are built by the `write_seeds` binary, which `run.sh` runs.
#
# Usage: fuzz/seeds.sh            (from anywhere)
set -euo pipefail

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$fuzz_dir")"
corpus="$fuzz_dir/corpus"

targets=(read_pubmed read_pubtator read_bioc_xml read_bioc_json read_jsonl read_tsv
         read_text read_repair round_trip read_iob lexicon_artifact http_params)
for t in "${targets[@]}"; do mkdir -p "$corpus/$t"; done

# seed TARGET < content   -- stores stdin as one seed, named by its hash.
seed() {
    local tmp
    tmp="$(mktemp)"
    cat >"$tmp"
    mv "$tmp" "$corpus/$1/seed-$(sha1sum "$tmp" | cut -c1-16)"
}

# The read_repair target takes a selector byte first: even = PubTator, odd = BioC XML;
# bits 1-2: 0 chars, 1 bytes, 2 UTF-16 offsets.
pubtator_seed() {
    local content
    content="$(cat)"
    printf '%s\n' "$content" | seed read_pubtator
    printf '%s\n' "$content" | seed round_trip
    { printf '\x00'; printf '%s\n' "$content"; } | seed read_repair
    { printf '\x04'; printf '%s\n' "$content"; } | seed read_repair
}
bioc_xml_seed() {
    local content
    content="$(cat)"
    printf '%s\n' "$content" | seed read_bioc_xml
    { printf '\x01'; printf '%s\n' "$content"; } | seed read_repair
}

# ---------------------------------------------------------------- project fixtures
shopt -s nullglob globstar
for f in "$repo_dir"/crates/*/tests/fixtures/**/*; do
    [[ -f "$f" ]] || continue
    name="${f,,}"
    name="${name%.gz}"
    case "$name" in
        *.pubtator|*pubtator*.txt)
            seed read_pubtator <"$f"; seed round_trip <"$f"
            { printf '\x00'; cat "$f"; } | seed read_repair ;;
        *.xml)
            if head -c 8192 "$f" | gzip -dcf 2>/dev/null | grep -q '<collection'; then
                seed read_bioc_xml <"$f"; { printf '\x01'; cat "$f"; } | seed read_repair
            else
                seed read_pubmed <"$f"
            fi ;;
        *.json) seed read_bioc_json <"$f" ;;
        *.jsonl|*.ndjson) seed read_jsonl <"$f" ;;
        */iob/*.tsv|*.iob|*.conll) seed read_iob <"$f" ;;
        *.tsv) seed read_tsv <"$f" ;;
        *.txt) seed read_text <"$f" ;;
    esac
done

# ---------------------------------------------------------------- PubMed XML
seed read_pubmed <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">
<PubmedArticleSet>
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">12345</PMID>
    <Article PubModel="Print">
      <Journal>
        <ISSN IssnType="Print">0000-0000</ISSN>
        <JournalIssue CitedMedium="Print"><Volume>7</Volume><Issue>2</Issue>
          <PubDate><Year>2020</Year><Month>Mar</Month><Day>5</Day></PubDate>
        </JournalIssue>
        <Title>Journal of Tests</Title>
        <ISOAbbreviation>J Tests</ISOAbbreviation>
      </Journal>
      <ArticleTitle>Aspirin and <i>BRCA1</i> in breast cancer &amp; CO<sub>2</sub>.</ArticleTitle>
      <Pagination><MedlinePgn>1-9</MedlinePgn></Pagination>
      <Abstract>
        <AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Aspirin is a drug.</AbstractText>
        <AbstractText Label="RESULTS" NlmCategory="RESULTS">It binds <b>COX-1</b> (p&lt;0.05) &#x3b1;.</AbstractText>
      </Abstract>
      <AuthorList CompleteYN="Y">
        <Author ValidYN="Y"><LastName>Doe</LastName><ForeName>Jane</ForeName><Initials>J</Initials>
          <AffiliationInfo><Affiliation>Somewhere.</Affiliation></AffiliationInfo></Author>
        <Author ValidYN="Y"><CollectiveName>The Group</CollectiveName></Author>
      </AuthorList>
      <Language>eng</Language>
      <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>
    </Article>
    <MeshHeadingList>
      <MeshHeading><DescriptorName UI="D001241" MajorTopicYN="Y">Aspirin</DescriptorName>
        <QualifierName UI="Q000627" MajorTopicYN="N">therapeutic use</QualifierName></MeshHeading>
    </MeshHeadingList>
    <KeywordList Owner="NOTNLM"><Keyword MajorTopicYN="N">cox</Keyword></KeywordList>
    <CommentsCorrectionsList><CommentsCorrections RefType="ErratumIn"><RefSource>J Tests 8</RefSource><PMID Version="1">999</PMID></CommentsCorrections></CommentsCorrectionsList>
    <OtherAbstract Type="Publisher" Language="por"><AbstractText>Aspirina.</AbstractText></OtherAbstract>
  </MedlineCitation>
  <PubmedData>
    <ArticleIdList><ArticleId IdType="pubmed">12345</ArticleId><ArticleId IdType="doi">10.1/x</ArticleId></ArticleIdList>
  </PubmedData>
</PubmedArticle>
<PubmedBookArticle>
  <BookDocument><PMID Version="1">222</PMID>
    <Book><BookTitle>A Book</BookTitle><PubDate><Year>2001</Year></PubDate></Book>
    <ArticleTitle>Chapter</ArticleTitle>
    <Abstract><AbstractText>Book text.</AbstractText></Abstract>
  </BookDocument>
  <PubmedBookData><ArticleIdList><ArticleId IdType="bookaccession">NBK1</ArticleId></ArticleIdList></PubmedBookData>
</PubmedBookArticle>
<DeleteCitation><PMID Version="1">111</PMID><PMID Version="1">112</PMID></DeleteCitation>
</PubmedArticleSet>
EOF
seed read_pubmed <<'EOF'
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>T</ArticleTitle><Abstract><AbstractText><math><mi>x</mi></math> y</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
EOF

# ---------------------------------------------------------------- PubTator
pubtator_seed <<'EOF'
12345|t|Aspirin and BRCA1 in breast cancer.
12345|a|Aspirin reduces risk. BRCA1 mutations cause breast cancer.
12345	0	7	Aspirin	Chemical	D001241
12345	12	17	BRCA1	Gene	672
12345	21	34	breast cancer	Disease	D001943
12345	36	43	Aspirin	Chemical	D001241
12345	80	93	breast cancer	Disease	D001943|D000001
12345	CID	D001241	D001943

678|t|Café naïve β-cells — 🧬 test.
678|a|Ünïcödé offsets: β-cells again.
678	5	10	naïve	Other	-1
678	11	18	β-cells	CellType	-
678	46	53	β-cells	CellType	CL:1	composite	β|cells
EOF
pubtator_seed <<'EOF'
9|t|Wrong offsets here.
9|a|Repair should move the mention.
9	0	4	here	Thing	X1
9	30	37	mention	Thing	X2
9	Rel	X1	X2	extra
EOF
pubtator_seed <<'EOF'
1|t|
1|a|Only abstract.
1|x|Other passage kind.
EOF

# ---------------------------------------------------------------- BioC XML
bioc_xml_seed <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE collection SYSTEM "BioC.dtd">
<collection><source>PubTator</source><date>2024</date><key>BioC.key</key>
<infon key="k">v</infon>
<document><id>12345</id><infon key="journal">J</infon>
<passage><infon key="type">title</infon><offset>0</offset><text>Aspirin and BRCA1 in breast cancer.</text>
<annotation id="1"><infon key="identifier">D001241</infon><infon key="type">Chemical</infon><location offset="0" length="7"/><text>Aspirin</text></annotation>
<annotation id="2"><infon key="NCBI Gene">672</infon><infon key="type">Gene</infon><location offset="12" length="5"/><text>BRCA1</text></annotation>
</passage>
<passage><infon key="type">abstract</infon><offset>36</offset><text>Café β-cells &amp; breast cancer.</text>
<annotation id="3"><infon key="type">Disease</infon><location offset="52" length="6"/><location offset="59" length="6"/><text>breast cancer</text></annotation>
<relation id="R1"><infon key="type">Association</infon><node refid="1" role="Chemical"/><node refid="3" role="Disease"/></relation>
</passage>
<passage><infon key="type">paragraph</infon><offset>70</offset>
<sentence><offset>70</offset><text>First sentence.</text><annotation id="4"><infon key="type">X</infon><location offset="70" length="5"/><text>First</text></annotation></sentence>
<sentence><offset>86</offset><text>Second one.</text></sentence>
</passage>
<relation id="R2"><infon key="type">Doc</infon><node refid="R1" role="r"/></relation>
</document>
<document><id>2</id><passage><offset>0</offset><text>x</text></passage></document>
</collection>
EOF
bioc_xml_seed <<'EOF'
<collection><document><id>7</id><passage><infon key="type">title</infon><offset>0</offset><text>off by one here</text><annotation id="a"><infon key="type">T</infon><location offset="8" length="4"/><text>here</text></annotation></passage></document></collection>
EOF

# ---------------------------------------------------------------- BioC JSON
seed read_bioc_json <<'EOF'
{"source":"PubTator","date":"2024","key":"BioC.key","infons":{},"documents":[
 {"id":"12345","infons":{"journal":"J"},"passages":[
  {"infons":{"type":"title"},"offset":0,"text":"Aspirin and BRCA1.","annotations":[
   {"id":"1","infons":{"identifier":"D001241","type":"Chemical"},"text":"Aspirin","locations":[{"offset":0,"length":7}]},
   {"id":"2","infons":{"identifier":"672","type":"Gene"},"text":"BRCA1","locations":[{"offset":"12","length":5}]}],
   "relations":[]},
  {"infons":{"type":"abstract"},"offset":19,"text":"Café β-cells.","annotations":[
   {"id":"3","infons":{"type":"Cell"},"text":"β-cells","locations":[{"offset":24,"length":7}]}]},
  {"infons":{"type":"paragraph"},"offset":40,"sentences":[{"offset":40,"text":"One."},{"offset":45,"text":"Two."}]}],
  "relations":[{"id":"R1","infons":{"type":"Assoc"},"nodes":[{"refid":"1","role":"a"},{"refid":"3","role":"b"}]}]}]}
EOF
seed read_bioc_json <<'EOF'
{"PubTator3":[{"_id":"1|None","id":"1","pmid":1,"journal":"J","passages":[{"infons":{"type":"title","section_type":"TITLE"},"offset":0,"text":"Tumor.","annotations":[{"id":"5","infons":{"identifier":"MESH:D009369","type":"Disease","valid":true,"database":"ncbi_mesh","normalized":["D009369"]},"text":"Tumor","locations":[{"offset":0,"length":5}]}]}],"relations":[]}]}
EOF
seed read_bioc_json <<'EOF'
[{"id":2,"passages":[{"offset":null,"text":"Bare array."}]},{"id":"3","passages":[]}]
EOF
seed read_bioc_json <<'EOF'
{"id":"4","infons":{"n":1,"o":{"x":[1,2]}},"passages":[{"offset":0,"text":"Single document."}]}
EOF

# ---------------------------------------------------------------- JSONL
seed read_jsonl <<'EOF'
{"pmid":"1","title":"Flat title","abstract":"Flat abstract.","year":2020}
{"id":2,"text":"Numeric id, text key."}
{"_id":"x","body":"body key","extra":{"nested":[1,2,3]}}
{"id":"3","passages":[{"kind":"title","text":"Aspirin helps."},{"kind":"abstract","text":"Café β.","sentences":[{"range":[0,5]}]}],"mentions":[{"passage":0,"range":[0,7],"text":"Aspirin","type":"Chemical","links":[{"id":"D001241","origin":"gold"}],"origin":"gold"}],"relations":[{"type":"R","arguments":[{"role":"a","concept":"D1"}],"origin":"gold"}]}
EOF

# ---------------------------------------------------------------- TSV
seed read_tsv <<'EOF'
marker	pmid	url	abstract
HER2	12345	https://pubmed.ncbi.nlm.nih.gov/12345/	HER2 is overexpressed.
"CD3"	678	"https://x/678"	"Quoted	tab and
newline."
EOF
printf 'ER\t1\thttp://u\tNo header row.\nPR\t2\n' | seed read_tsv
printf 'title\ttext\tid\nT\tBody text.\tabc\n' | seed read_tsv

# ---------------------------------------------------------------- plain text
printf 'Aspirin reduces the risk of breast cancer.\n\nSecond paragraph, Café β.\n' | seed read_text
printf '\xef\xbb\xbfBOM first.\r\nWindows lines.\r\n' | seed read_text

# ---------------------------------------------------------------- IOB / CoNLL
seed read_iob <<'EOF'
-DOCSTART-	O

Immunostaining	O
for	O
TTF-1	B-GENE
and	O
napsin	B-GENE
A	I-GENE
was	O
positive	O
.	O

Mutations	O
in	O
BRCA1	B
cause	O
breast	B-Disease
cancer	I-Disease
naïve	I
β-cells	B-CellType
EOF
printf 'token O\nBRCA1 B-Gene\r\n\r\nx I-Gene extra columns\n' | seed read_iob

# ---------------------------------------------------------------- HTTP parameters
# First byte: the route (an index into ROUTES in src/http.rs); the rest is appended to it.
http_seed() { { printf "\\x$(printf %02x "$1")"; printf '%s' "$2"; } | seed http_params; }
http_seed 0 'marker=TTF-1&tumour=lung&site=lung&min_total=10&sort=rate&order=desc&limit=5&offset=1&format=json&documents=true'
http_seed 0 'format=csv&sort=studies&limit=0'
http_seed 0 'marker=%20nkx2-1%20&tumour=ONCOTREE%3ALUAD&sort=positive'
http_seed 0 'limit=10001&bogus=1'
http_seed 1 'marker=NKX2-1&tumour=ONCOTREE:LUAD&limit=1&offset=1'
http_seed 1 'marker=TP63&tumour=ONCOTREE:LUSC&format=csv'
http_seed 1 'marker=MKI67&tumour=ONCOTREE:LUCA&offset=18446744073709551615'
http_seed 2 'q=lu&limit=3'
http_seed 2 'q=na%C3%AFve'
http_seed 3 'NKX2-1?format=csv'
http_seed 3 'TTF-1'
http_seed 4 'ONCOTREE:LUSC'
http_seed 4 'ONCOTREE%3ALUAD?format=json'
http_seed 5 '101'
http_seed 5 '10.1000/x.103'
http_seed 6 ''
http_seed 7 'api/nothing?x=1'

for t in "${targets[@]}"; do
    printf '%-16s %s seeds\n' "$t" "$(find "$corpus/$t" -type f | wc -l)"
done
