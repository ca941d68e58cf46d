// Package standin is a stand-in for Cerb 10.4.10's ticket API, for teams that test code
// built on POST /rest/tickets/compose.json and /rest/tickets/reply.json without running
// Cerb. Unlike a mock answered from the spec's examples it keeps state (tickets,
// messages, drafts, custom field values) and answers as the real server does: the rules
// are those of Cerb's own code (features/cerberusweb.restapi/api/rest/tickets.php,
// api/app/Mail.php, DAO_Ticket::updateWithMessageProperties,
// DAO_CustomFieldValue::formatAndSetFieldValues), and livetest's differential suite
// holds the stand-in to the real server's answers.
//
// Outside the spec's two operations it also answers GET /rest/tickets/<id>.json and GET
// /rest/messages/<id>.json (with expand), so a consumer can assert effects.
package standin
