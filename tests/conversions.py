"""Render a plain-text report as the files analysts really receive: a government web page, a Word
document, a PDF. Used by the format tests; everything is made in memory, nothing is committed."""

from __future__ import annotations

import html
import io
import re
from datetime import date

_MD_HEADING = re.compile(r"^\s*(#{1,6})\s*(.*)$")


def _inline(line: str) -> str:
    """Markdown bold to <strong>, the rest escaped."""
    parts = line.split("**")
    return "".join(f"<strong>{html.escape(p)}</strong>" if i % 2 else html.escape(p) for i, p in enumerate(parts))


def to_gov_page(text: str, *, title: str, issuer: str | None, published: date | None, doc_number: str | None,
                charset: str = "utf-8", site: str = "某某市人民政府") -> bytes:
    """The report as a page of a government portal: header, navigation, breadcrumbs, the metadata
    block of 政府信息公开, the article, share and print buttons, related links and a footer."""
    body = []
    for line in text.splitlines():
        if not line.strip() or not line.strip(" \u3000\xa0"):
            continue
        m = _MD_HEADING.match(line)
        if m:
            level = min(len(m.group(1)) + 1, 6)
            body.append(f"<h{level}>{_inline(m.group(2))}</h{level}>")
        else:
            body.append(f'<p style="text-indent:2em">{_inline(line.strip())}</p>')
    day = published.isoformat() if published else "2022-01-20"
    meta_rows = f"""
      <tr><th>索&nbsp;&nbsp;引&nbsp;&nbsp;号：</th><td>11371083MB2850923X/2022-00045</td>
          <th>主题分类：</th><td>综合政务</td></tr>
      <tr><th>发文机关：</th><td>{html.escape(issuer or site)}</td>
          <th>成文日期：</th><td>{day}</td></tr>
      <tr><th>标&nbsp;&nbsp;&nbsp;&nbsp;题：</th><td colspan="3">{html.escape(title)}</td></tr>
      <tr><th>发文字号：</th><td>{html.escape(doc_number or '')}</td>
          <th>发布日期：</th><td>{day}</td></tr>"""
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="ArticleTitle" content="{html.escape(title)}">
<title>{html.escape(title)}_{site}</title>
<link rel="stylesheet" href="/css/style.css">
<script type="text/javascript">var _hmt = _hmt || []; document.write("<div>统计代码 2019 年</div>");</script>
<style>.nav li {{ float: left; }} .footer {{ color: #666; }}</style>
</head>
<body>
<div class="top-bar"><div class="w1200">
  <span>今天是：2022年1月20日 星期四</span>
  <a href="/">无障碍浏览</a> <a href="/">长者模式</a> <a href="/en">English</a> <a href="/login">登录</a> <a href="/reg">注册</a>
</div></div>
<div class="header"><img src="/images/logo.png" alt="{site}"><div class="search"><input type="text"
  placeholder="请输入关键字"><button>搜索</button></div></div>
<div class="nav"><ul>
  <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
  <li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxx/">走进{site[:3]}</a></li><li><a href="/ztzl/">专题专栏</a></li>
</ul></div>
<div class="main w1200">
  <div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt;
    <a href="/zwgk/fzzf/">法治政府建设</a> &gt; 正文</div>
  <div class="xxgk-meta"><table class="meta-table">{meta_rows}
  </table></div>
  <div class="article">
    <h1 class="article-title">{html.escape(title)}</h1>
    <div class="article-info">发布日期：{day}&nbsp;&nbsp;&nbsp;来源：司法局&nbsp;&nbsp;&nbsp;浏览次数：<span id="count">1024</span>
      &nbsp;&nbsp;字号：[<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>]</div>
    <div id="zoom" class="article-content TRS_Editor">
      {chr(10).join(body)}
    </div>
    <div class="share">分享到：<a class="wx" href="#">微信</a> <a class="wb" href="#">微博</a>
      <a class="qq" href="#">QQ空间</a> <div class="qrcode"><img src="/qr.png">扫一扫在手机打开当前页</div></div>
    <div class="article-tools"><a href="javascript:window.print()">【打印本页】</a>
      <a href="javascript:window.close()">【关闭窗口】</a></div>
    <div class="prev-next"><p>上一篇：<a href="/a1.html">关于2020年度法治政府建设情况的报告</a></p>
      <p>下一篇：<a href="/a2.html">2022年第四季度政府网站检查情况通报</a></p></div>
    <div class="related"><h3>相关文章</h3><ul>
      <li><a href="/r1.html">关于2020年度法治政府建设情况的报告</a><span>2021-01-25</span></li>
      <li><a href="/r2.html">2021年度行政复议和应诉工作情况报告</a><span>2022-02-10</span></li>
    </ul></div>
  </div>
</div>
<div class="footer"><div class="w1200">
  <p><a href="/about">关于我们</a> | <a href="/map">网站地图</a> | <a href="/contact">联系我们</a></p>
  <p>版权所有：{site}&nbsp;&nbsp;主办：{site}办公室&nbsp;&nbsp;承办：大数据中心</p>
  <p>地址：胜利街66号&nbsp;&nbsp;邮编：264500&nbsp;&nbsp;电话：0631-6651234&nbsp;&nbsp;传真：0631-6651235</p>
  <p>鲁ICP备05019853号-1&nbsp;&nbsp;鲁公网安备 37108302000123号&nbsp;&nbsp;网站标识码：3710830001</p>
</div></div>
<script src="/js/jquery.min.js"></script>
</body>
</html>
"""
    return page.encode(charset)


def to_docx(text: str) -> bytes:
    """The report as a Word document: a paragraph per line, markdown headings as Word headings."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.size = Pt(12)
    for line in text.splitlines():
        if not line.strip(" \u3000\xa0"):
            continue
        m = _MD_HEADING.match(line)
        if m:
            doc.add_heading(m.group(2).replace("**", ""), level=min(len(m.group(1)), 3))
            continue
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(24)
        for i, part in enumerate(line.strip().split("**")):
            if part:
                p.add_run(part).bold = bool(i % 2)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_pdf(text: str) -> bytes:
    """The report typeset as a 公文 on A4: 12pt STSong-Light (a CID font every PDF reader has, so
    nothing is embedded or downloaded), justified, first lines indented two characters, Chinese
    line-breaking rules, headings centred in 16pt, page numbers "- 1 -" at the foot."""
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, firstLineIndent=24,
                          alignment=TA_JUSTIFY, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontSize=16, leading=26, firstLineIndent=0,
                             alignment=TA_CENTER, spaceBefore=6, spaceAfter=6)
    story = []
    for raw in text.splitlines():
        line = raw.strip(" \u3000\xa0")
        if not line:
            continue
        m = _MD_HEADING.match(line)
        words = html.escape((m.group(2) if m else line).replace("**", ""))
        story.append(Paragraph(words, heading if m else body))

    def page_number(canvas, doc) -> None:
        canvas.setFont(font, 10)
        canvas.drawCentredString(A4[0] / 2, 40, f"- {doc.page} -")

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=79, rightMargin=74, topMargin=72, bottomMargin=70,
                            title="report", author="")
    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buf.getvalue()


def to_old_gov_page(text: str, *, title: str, site: str = "某某县人民政府") -> bytes:
    """The report on an older portal: GB2312, a layout table, no class names to go by, <font> tags,
    paragraphs separated by <br> and indented with &nbsp;, navigation as bare link rows."""
    paras = []
    for line in text.splitlines():
        if not line.strip(" \u3000\xa0"):
            continue
        m = _MD_HEADING.match(line)
        words = _inline(m.group(2) if m else line.strip())
        paras.append(f"<b>{words}</b>" if m else "&nbsp;&nbsp;&nbsp;&nbsp;" + words)
    links = "".join(f'<a href="/c{i}.html">{name}</a>&nbsp;|&nbsp;' for i, name in enumerate(
        ["网站首页", "政务公开", "政务服务", "互动交流", "走进本县", "专题专栏", "数据开放"]))
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{html.escape(title)}</title></head>
<body topmargin="0">
<table width="1000" align="center" border="0"><tr><td><img src="/images/banner.jpg"></td></tr>
<tr><td height="30" bgcolor="#0066cc">{links}</td></tr></table>
<table width="1000" align="center" border="0">
<tr><td height="28">您现在的位置：<a href="/">首页</a>&gt;&gt;<a href="/zwgk/">政务公开</a>&gt;&gt;<a href="/fzzf/">法治政府</a></td></tr>
<tr><td align="center" height="50"><font size="5"><b>{html.escape(title)}</b></font></td></tr>
<tr><td align="center">发布时间：2022-01-28&nbsp;&nbsp;&nbsp;&nbsp;点击数：<script>document.write(87)</script>87</td></tr>
<tr><td><font style="font-size:16px;line-height:32px">{"<br>".join(paras)}</font></td></tr>
<tr><td align="right"><a href="javascript:window.print()">[打印本页]</a> <a href="javascript:window.close()">[关闭窗口]</a></td></tr>
</table>
<table width="1000" align="center"><tr><td align="center">版权所有：{site} 地址：人民路1号 电话：0539-1234567<br>
ICP备案号：鲁ICP备12345678号 技术支持：某某网络公司</td></tr></table>
</body></html>"""
    return page.encode("gb18030")
